import { randomBytes } from 'node:crypto';
import { createServer, IncomingMessage, request, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local HTTP proxy in front of a real S3-compatible server that answers chosen requests the
 * way S3 does when things go wrong: the real status codes and `<Error><Code>…</Code>` XML bodies
 * (SlowDown, SignatureDoesNotMatch, AccessDenied, InternalError, ...), with an optional
 * Retry-After, plus hangs. Everything else is passed through unchanged. Tests only.
 */
export type S3Fault =
  | { kind: 'error'; status: number; code: string; message: string; retryAfter?: string; details?: Record<string, string> }
  /** No answer at all. */
  | { kind: 'hang' }
  /** A 200 text response whose body stops after a few bytes. */
  | { kind: 'stall_body' };

export interface ProxiedRequest {
  method: string;
  /** Decoded path, e.g. `/acme-reports/finance/2024/q3.md`. */
  path: string;
  query: Record<string, string>;
  /** The access key id from the SigV4 Authorization header. */
  accessKeyId?: string;
  /** The Range header, e.g. `bytes=0-999`. */
  range?: string;
}

export interface FaultyS3Proxy {
  /** Use as the S3 endpoint (path-style). */
  url: string;
  requests: ProxiedRequest[];
  /** The next `times` requests get this fault instead of the upstream's answer. */
  inject(fault: S3Fault, times?: number): void;
  reset(): void;
  close(): Promise<void>;
}

/** S3's own codes, statuses and messages for the failures the client must tell apart. */
export const S3_FAULTS = {
  slowDown: (retryAfter?: string): S3Fault => ({ kind: 'error', status: 503, code: 'SlowDown', message: 'Please reduce your request rate.', retryAfter }),
  tooManyRequests: (retryAfter?: string): S3Fault => ({ kind: 'error', status: 429, code: 'TooManyRequests', message: 'Please reduce your request rate.', retryAfter }),
  internalError: (): S3Fault => ({ kind: 'error', status: 500, code: 'InternalError', message: 'We encountered an internal error. Please try again.' }),
  accessDenied: (): S3Fault => ({ kind: 'error', status: 403, code: 'AccessDenied', message: 'Access Denied' }),
  unauthorized: (): S3Fault => ({ kind: 'error', status: 401, code: 'Unauthorized', message: 'Unauthorized' }),
  signatureDoesNotMatch: (accessKeyId: string): S3Fault => ({
    kind: 'error',
    status: 403,
    code: 'SignatureDoesNotMatch',
    message: 'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    details: { AWSAccessKeyId: accessKeyId, SignatureProvided: randomBytes(32).toString('hex') },
  }),
};

export function s3ErrorXml(code: string, message: string, details: Record<string, string> = {}): string {
  const extra = Object.entries(details)
    .map(([name, value]) => `<${name}>${escapeXml(value)}</${name}>`)
    .join('');
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message>${extra}` +
    `<RequestId>${randomBytes(8).toString('hex').toUpperCase()}</RequestId><HostId>${randomBytes(24).toString('base64')}</HostId></Error>`
  );
}

export async function startFaultyS3Proxy(upstream: string): Promise<FaultyS3Proxy> {
  const target = new URL(upstream);
  const faults: S3Fault[] = [];
  const requests: ProxiedRequest[] = [];
  const open = new Set<ServerResponse>();

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const accessKeyId = /Credential=([^/,\s]+)\//.exec(req.headers.authorization ?? '')?.[1];
    requests.push({
      method: req.method ?? 'GET',
      path: decodeURIComponent(url.pathname),
      query: Object.fromEntries(url.searchParams),
      ...(accessKeyId ? { accessKeyId } : {}),
      ...(req.headers.range ? { range: req.headers.range } : {}),
    });
    open.add(res);
    res.on('close', () => open.delete(res));

    const fault = faults.shift();
    if (fault?.kind === 'hang') return;
    if (fault?.kind === 'stall_body') {
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': '1000', 'Content-Range': 'bytes 0-999/1000' });
      res.write('the first ');
      return;
    }
    if (fault?.kind === 'error') {
      const body = req.method === 'HEAD' ? '' : s3ErrorXml(fault.code, fault.message, fault.details);
      res.writeHead(fault.status, {
        'Content-Type': 'application/xml',
        'x-amz-request-id': randomBytes(8).toString('hex').toUpperCase(),
        Server: 'AmazonS3',
        ...(fault.retryAfter !== undefined ? { 'Retry-After': fault.retryAfter } : {}),
      });
      res.end(body);
      return;
    }
    forward(req, res);
  });

  function forward(req: IncomingMessage, res: ServerResponse): void {
    const upstreamRequest = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (upstreamResponse) => {
        res.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
        // Headers go out now, as from the upstream, even when its body is slow or never comes.
        res.flushHeaders();
        upstreamResponse.pipe(res);
      },
    );
    upstreamRequest.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstreamRequest);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    inject(fault, times = 1) {
      for (let i = 0; i < times; i++) faults.push(fault);
    },
    reset() {
      faults.length = 0;
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of open) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function escapeXml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
