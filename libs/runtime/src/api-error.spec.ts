import 'reflect-metadata';
import {
  ArgumentsHost,
  BadRequestException,
  Body,
  Controller,
  Get,
  HttpException,
  Module,
  NotFoundException,
  Post,
  ServiceUnavailableException,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { errorCodes } from 'fastify';
import { z } from 'zod';
import type { Logger } from '@mosaic/observability';
import { ApiError, ApiExceptionFilter, toApiErrorResponse } from './api-error';
import { baseEnvSchema, ConfigError, envFields, parseConfig } from './config';

describe(toApiErrorResponse.name, () => {
  it('should keep status, code, message, details and headers when given an ApiError', () => {
    const error = new ApiError(429, 'rate_limited', 'too many queries', { retry_after_s: 3 }, { headers: { 'retry-after': '3' } });

    const sut = toApiErrorResponse(error);

    expect(sut).toEqual({
      status: 429,
      body: { error: { code: 'rate_limited', message: 'too many queries', details: { retry_after_s: 3 } } },
      headers: { 'retry-after': '3' },
    });
  });

  it('should leave details out of the body when an ApiError has none', () => {
    const sut = toApiErrorResponse(new ApiError(404, 'source_not_found', 'no source "jira"'));

    expect(sut.body).toEqual({ error: { code: 'source_not_found', message: 'no source "jira"' } });
    expect(sut.body.error).not.toHaveProperty('details');
    expect(sut.headers).toEqual({});
  });

  it.each([
    [new BadRequestException('query must not be empty'), 400, 'bad_request', 'query must not be empty'],
    [new NotFoundException(), 404, 'not_found', 'Not Found'],
    [new ServiceUnavailableException('draining'), 503, 'service_unavailable', 'draining'],
    [new HttpException('plain string response', 405), 405, 'method_not_allowed', 'plain string response'],
  ])('should map a Nest HttpException to its status and code when given %p', (error, status, code, message) => {
    const sut = toApiErrorResponse(error);

    expect(sut).toEqual({ status, body: { error: { code, message } }, headers: {} });
  });

  it('should join validation messages when a Nest HttpException carries a list', () => {
    const sut = toApiErrorResponse(new BadRequestException(['query must be a string', 'sources must be an array']));

    expect(sut.body.error.message).toBe('query must be a string; sources must be an array');
  });

  // Nest hands Fastify's own errors (body limit, media type) to the filters as
  // `new HttpException(err.message, err.statusCode)` (RoutesResolver.mapExternalException).
  it('should answer 413 payload_too_large when Fastify rejected a body over the limit', () => {
    const fastifyError = new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE();

    const sut = toApiErrorResponse(new HttpException(fastifyError.message, fastifyError.statusCode!));

    expect(sut).toEqual({
      status: 413,
      body: { error: { code: 'payload_too_large', message: 'Request body is too large' } },
      headers: {},
    });
  });

  it('should answer 415 unsupported_media_type when Fastify has no parser for the content type', () => {
    const fastifyError = new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE('text/csv');

    const sut = toApiErrorResponse(new HttpException(fastifyError.message, fastifyError.statusCode!));

    expect(sut).toMatchObject({ status: 415, body: { error: { code: 'unsupported_media_type' } } });
  });

  it('should keep the invalid_json code when the JSON body parser rejects a body', () => {
    const sut = toApiErrorResponse(new ApiError(400, 'invalid_json', 'request body is not valid JSON: Unexpected end of JSON input'));

    expect(sut).toMatchObject({ status: 400, body: { error: { code: 'invalid_json' } } });
  });

  it('should answer 500 internal_error without the message when the error is unknown', () => {
    const secret = 'connect ECONNREFUSED postgres://mosaic:hunter2@db:5432';

    const sut = toApiErrorResponse(new Error(secret));

    expect(sut).toEqual({ status: 500, body: { error: { code: 'internal_error', message: 'internal error' } }, headers: {} });
    expect(JSON.stringify(sut)).not.toContain('hunter2');
  });

  it('should answer 500 without the message when an error claims a 5xx status code', () => {
    const error = Object.assign(new Error('redis password hunter2 rejected'), { statusCode: 502, code: 'UPSTREAM' });

    const sut = toApiErrorResponse(error);

    expect(sut.status).toBe(500);
    expect(JSON.stringify(sut.body)).not.toContain('hunter2');
  });

  it.each([null, undefined, 'a thrown string', 42])('should answer 500 internal_error when something other than an Error is thrown (%p)', (thrown) => {
    expect(toApiErrorResponse(thrown)).toEqual({
      status: 500,
      body: { error: { code: 'internal_error', message: 'internal error' } },
      headers: {},
    });
  });
});

describe(ApiExceptionFilter.name, () => {
  describe('in a Nest app on Fastify', () => {
    @Controller()
    class ProbeController {
      @Post('echo')
      echo(@Body() body: unknown): unknown {
        return body;
      }

      @Get('api-error')
      apiError(): never {
        throw new ApiError(409, 'query_running', 'the query is still running');
      }

      @Get('crash')
      crash(): never {
        throw new Error('redis://:hunter2@cache:6379 refused');
      }
    }

    @Module({ controllers: [ProbeController] })
    class ProbeModule {}

    let app: NestFastifyApplication;
    let url: string;

    beforeAll(async () => {
      app = await NestFactory.create<NestFastifyApplication>(ProbeModule, new FastifyAdapter({ bodyLimit: 256 }), { logger: false });
      app.useGlobalFilters(new ApiExceptionFilter({ error: () => undefined } as unknown as Logger));
      await app.listen(0, '127.0.0.1');
      url = await app.getUrl();
    });

    afterAll(async () => {
      await app?.close();
    });

    const post = (body: string, contentType = 'application/json') =>
      fetch(`${url}/echo`, { method: 'POST', headers: { 'content-type': contentType }, body });

    it('should answer 413 payload_too_large when the body is over the limit', async () => {
      const response = await post(JSON.stringify({ query: 'x'.repeat(1000) }));

      expect(response.status).toBe(413);
      expect(await response.json()).toEqual({ error: { code: 'payload_too_large', message: 'Request body is too large' } });
    });

    it('should answer 415 unsupported_media_type when the content type has no parser', async () => {
      const response = await post('a,b', 'text/csv');

      expect(response.status).toBe(415);
      expect(await response.json()).toMatchObject({ error: { code: 'unsupported_media_type' } });
    });

    it('should answer with the ApiError code and status when a handler throws one', async () => {
      const response = await fetch(`${url}/api-error`);

      expect(response.status).toBe(409);
      expect(await response.json()).toEqual({ error: { code: 'query_running', message: 'the query is still running' } });
    });

    it('should answer a generic 500 without the message when a handler crashes', async () => {
      const response = await fetch(`${url}/crash`);
      const text = await response.text();

      expect(response.status).toBe(500);
      expect(JSON.parse(text)).toEqual({ error: { code: 'internal_error', message: 'internal error' } });
      expect(text).not.toContain('hunter2');
    });

    it('should answer 404 not_found when no route matches', async () => {
      const response = await fetch(`${url}/nowhere`);

      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ error: { code: 'not_found' } });
    });
  });

  function fakeReply(sent = false) {
    const reply = {
      sent,
      statusCode: 0,
      sentHeaders: {} as Record<string, string>,
      body: undefined as unknown,
      status(code: number) {
        reply.statusCode = code;
        return reply;
      },
      headers(values: Record<string, string>) {
        Object.assign(reply.sentHeaders, values);
        return reply;
      },
      send(body: unknown) {
        reply.body = body;
        reply.sent = true;
        return reply;
      },
    };
    return reply;
  }

  function hostFor(reply: unknown): ArgumentsHost {
    return { switchToHttp: () => ({ getResponse: () => reply }) } as unknown as ArgumentsHost;
  }

  it('should send the mapped status, headers and body when a handler throws an ApiError', () => {
    const logged: unknown[] = [];
    const sut = new ApiExceptionFilter({ error: (...args: unknown[]) => logged.push(args) } as unknown as Logger);
    const reply = fakeReply();

    sut.catch(new ApiError(429, 'rate_limited', 'slow down', undefined, { headers: { 'retry-after': '2' } }), hostFor(reply));

    expect(reply.statusCode).toBe(429);
    expect(reply.sentHeaders).toEqual({ 'retry-after': '2' });
    expect(reply.body).toEqual({ error: { code: 'rate_limited', message: 'slow down' } });
    expect(logged).toEqual([]);
  });

  it('should log the error and send a generic 500 when the error is unknown', () => {
    const logged: unknown[] = [];
    const sut = new ApiExceptionFilter({ error: (...args: unknown[]) => logged.push(args) } as unknown as Logger);
    const reply = fakeReply();
    const error = new Error('boom');

    sut.catch(error, hostFor(reply));

    expect(reply.statusCode).toBe(500);
    expect(reply.body).toEqual({ error: { code: 'internal_error', message: 'internal error' } });
    expect(logged).toEqual([[{ err: error }, 'request failed']]);
  });

  it('should not send a second response when the reply was already sent', () => {
    const sut = new ApiExceptionFilter({ error: () => undefined } as unknown as Logger);
    const reply = fakeReply(true);

    sut.catch(new ApiError(400, 'bad_request', 'late'), hostFor(reply));

    expect(reply.statusCode).toBe(0);
    expect(reply.body).toBeUndefined();
  });
});

describe(parseConfig.name, () => {
  const schema = baseEnvSchema.extend({ PORT: envFields.port, QUERY_TIMEOUT_MS: envFields.positiveMs });

  it('should list every bad variable when several are wrong at once', () => {
    const env = { LOG_LEVEL: 'loud', NATS_URL: '', PORT: '99999', QUERY_TIMEOUT_MS: '-5', NODE_ENV: 'staging' };

    let thrown: unknown;
    try {
      parseConfig(schema, env);
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toBeInstanceOf(ConfigError);
    const { issues, message } = thrown as ConfigError;
    expect(issues.map((i) => i.split(':')[0]).sort()).toEqual(['LOG_LEVEL', 'NATS_URL', 'NODE_ENV', 'PORT', 'QUERY_TIMEOUT_MS']);
    for (const name of ['LOG_LEVEL', 'NATS_URL', 'NODE_ENV', 'PORT', 'QUERY_TIMEOUT_MS']) expect(message).toContain(name);
    expect(issues.find((i) => i.startsWith('NATS_URL'))).toContain('NATS_URL is required');
  });

  it('should name a missing required variable when it is absent from the environment', () => {
    expect(() => parseConfig(schema, { PORT: '8080', QUERY_TIMEOUT_MS: '100' })).toThrow(/NATS_URL/);
  });

  it('should return typed values with defaults and coerced numbers when the environment is valid', () => {
    const sut = parseConfig(schema, { NATS_URL: 'nats://127.0.0.1:4222', PORT: '8080', QUERY_TIMEOUT_MS: '2500' });

    expect(sut).toEqual({
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      NATS_URL: 'nats://127.0.0.1:4222',
      PORT: 8080,
      DRAIN_TIMEOUT_MS: 20_000,
      QUERY_TIMEOUT_MS: 2500,
    });
  });

  it('should report a root-level problem as (env) when the whole environment fails a refinement', () => {
    const refined = z.object({ A: z.string().optional(), B: z.string().optional() }).refine((e) => e.A || e.B, 'set A or B');

    expect(() => parseConfig(refined, {})).toThrow('(env): set A or B');
  });
});
