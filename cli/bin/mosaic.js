#!/usr/bin/env node
'use strict';
/**
 * mosaic: ask a running Mosaic a question from the terminal.
 *
 * Plain CommonJS on Node built-ins only, so it works straight from a checkout, before
 * any build. See cli/README.md.
 */
const { parseArgs } = require('node:util');
const { SseParser } = require('../lib/sse');
const { resolveConnection, checkUrl } = require('../lib/config');
const { Renderer, palette, colorEnabled } = require('../lib/render');

const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;
/** The gateway sends a heartbeat comment every 15 s: this much silence means the connection is dead. */
const DEFAULT_IDLE_TIMEOUT_S = 60;
const SOURCE_ID = /^[a-z][a-z0-9_-]*$/;

const HELP = `mosaic: ask questions across your company's tools, with a citation on every claim

Usage:
  mosaic ask "<question>" [--source ID]... [--json] [--url URL]
  mosaic sources [--json] [--url URL]
  mosaic --help | --version

Commands:
  ask       Streams the query: progress on stderr, the answer and its sources on stdout.
  sources   Lists the sources the deployment knows, and which are enabled.

Options:
  -s, --source ID   Restrict the plan to this source (repeatable, or comma-separated).
      --json        Print only the final result as JSON on stdout (no progress).
      --url URL     Mosaic's base URL.
      --timeout S   Give up after S seconds without any data from the server (default ${DEFAULT_IDLE_TIMEOUT_S}).
  -h, --help        Show this help.
  -v, --version     Show the CLI version.

The URL is --url, else $MOSAIC_URL, else MOSAIC_URL= in the nearest .mosaic/demo.env
(written by \`npm start\`), else http://127.0.0.1:8080. $MOSAIC_API_KEY (or MOSAIC_API_KEY=
in demo.env) is sent as a bearer token when set. Colors on a terminal unless NO_COLOR is set.

Exit status: 0 answered by at least one source; 1 query failed, no source answered, or
HTTP/connection error; 2 bad usage.

Examples:
  npx mosaic ask "Which customers have open urgent support tickets?"
  npx mosaic ask "What is our refund policy?" --source files --json | jq .citations
  npx mosaic sources
`;

class UsageError extends Error {}

/** @param {string} text */
const writeOut = (text) => void process.stdout.write(text);
/** @param {string} text */
const writeErr = (text) => void process.stderr.write(text);

const useColor = colorEnabled(process.stderr, process.env);
const c = palette(useColor);
/** @param {string} message */
const fail = (message) => writeErr(`${c.red('mosaic:')} ${message}\n`);

/**
 * @typedef {{ values: Record<string, string | boolean | string[] | undefined>, positionals: string[] }} ParsedArgs
 */

/**
 * @param {string[]} args
 * @param {Record<string, { type: 'string' | 'boolean', short?: string, multiple?: boolean }>} options
 * @returns {ParsedArgs}
 */
function parse(args, options) {
  try {
    return parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(/** @type {Error} */ (error).message.replace(/\. To specify a positional argument.*$/s, ''));
  }
}

/**
 * @param {string | undefined} url
 */
function connection(url) {
  const conn = resolveConnection({ url });
  const problem = checkUrl(conn.url);
  if (problem) throw new UsageError(`${problem} (from ${conn.urlFrom})`);
  return conn;
}

/**
 * @param {{ apiKey?: string }} conn
 * @param {Record<string, string>} extra
 * @returns {Record<string, string>}
 */
function headers(conn, extra) {
  return { 'User-Agent': `mosaic-cli/${version()}`, ...extra, ...(conn.apiKey ? { Authorization: `Bearer ${conn.apiKey}` } : {}) };
}

function version() {
  try {
    return String(require('../package.json').version);
  } catch {
    return '0.0.0';
  }
}

/**
 * Why a fetch failed, in words (the cause of undici's "fetch failed").
 * @param {unknown} error
 * @param {string} url
 */
function describeNetworkError(error, url) {
  const err = /** @type {Error & { cause?: any }} */ (error);
  const cause = err.cause;
  const code = cause && typeof cause === 'object' ? cause.code : undefined;
  if (code === 'ECONNREFUSED') return `cannot reach Mosaic at ${url} (connection refused). Is it running? Start it with \`npm start\`, or pass --url.`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `cannot resolve the host of ${url} (${code})`;
  const detail = cause && typeof cause === 'object' && cause.message ? `${err.message}: ${cause.message}` : err.message;
  return `request to ${url} failed: ${detail}`;
}

/**
 * The message of an HTTP error answer (`{"error": {"code", "message"}}`), or the raw body.
 * @param {Response} response
 */
async function httpError(response) {
  const text = await response.text().catch(() => '');
  let message = text.trim().slice(0, 500) || response.statusText || 'no body';
  let code = '';
  try {
    const body = JSON.parse(text);
    if (body && body.error && typeof body.error === 'object') {
      message = String(body.error.message ?? message);
      code = String(body.error.code ?? '');
    }
  } catch {
    // not JSON: keep the text
  }
  return `HTTP ${response.status}${code ? ` ${code}` : ''}: ${message}`;
}

/** @param {string[]} raw */
function parseSources(raw) {
  const ids = [...new Set(raw.flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean))];
  for (const id of ids) {
    if (!SOURCE_ID.test(id)) throw new UsageError(`"${id}" is not a source id (lowercase letters, digits, "_" and "-"); see \`mosaic sources\``);
  }
  return ids;
}

/** @param {string[]} args */
async function ask(args) {
  const { values, positionals } = parse(args, {
    source: { type: 'string', short: 's', multiple: true },
    json: { type: 'boolean' },
    url: { type: 'string' },
    timeout: { type: 'string' },
  });
  if (values.help) {
    writeOut(HELP);
    return EXIT_OK;
  }
  const query = positionals.join(' ').trim();
  if (!query) throw new UsageError('ask needs a question: mosaic ask "<question>"');
  const sources = parseSources(/** @type {string[]} */ (values.source ?? []));
  if (values.source && sources.length === 0) throw new UsageError('--source needs a source id');
  const idleS = values.timeout === undefined ? DEFAULT_IDLE_TIMEOUT_S : Number(values.timeout);
  if (!Number.isFinite(idleS) || idleS <= 0) throw new UsageError('--timeout needs a positive number of seconds');
  const json = Boolean(values.json);
  const conn = connection(/** @type {string | undefined} */ (values.url));
  const endpoint = `${conn.url}/api/agent/query/stream`;

  const controller = new AbortController();
  let interrupted = false;
  let idle = false;
  const onSigint = () => {
    interrupted = true;
    controller.abort();
  };
  process.once('SIGINT', onSigint);
  /** @type {NodeJS.Timeout | undefined} */
  let idleTimer;
  const armIdle = () => {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      idle = true;
      controller.abort();
    }, idleS * 1000);
  };

  const renderer = new Renderer({ out: writeOut, err: writeErr, color: useColor, json });
  const parser = new SseParser();
  let queryId = '';
  /** @type {string | undefined} */
  let dropped;
  try {
    armIdle();
    /** @type {Response} */
    let response;
    try {
      response = await fetch(endpoint, {
        method: 'POST',
        headers: headers(conn, { 'Content-Type': 'application/json', Accept: 'text/event-stream' }),
        body: JSON.stringify({ query, ...(sources.length ? { sources } : {}) }),
        signal: controller.signal,
      });
    } catch (error) {
      if (interrupted) return 130;
      if (idle) {
        fail(`no answer from ${endpoint} within ${idleS} s`);
        return EXIT_FAILED;
      }
      fail(describeNetworkError(error, conn.url));
      return EXIT_FAILED;
    }
    if (!response.ok) {
      fail(await httpError(response));
      return EXIT_FAILED;
    }
    const type = response.headers.get('content-type') ?? '';
    if (!type.startsWith('text/event-stream')) {
      fail(`expected an event stream from ${endpoint}, got ${type || 'no content type'} (is --url pointing at Mosaic?)`);
      await response.body?.cancel().catch(() => undefined);
      return EXIT_FAILED;
    }
    queryId = response.headers.get('x-query-id') ?? '';
    if (!response.body) {
      fail('the server answered without a body');
      return EXIT_FAILED;
    }

    try {
      for await (const chunk of /** @type {AsyncIterable<Uint8Array>} */ (/** @type {unknown} */ (response.body))) {
        armIdle();
        for (const message of parser.push(chunk)) {
          /** @type {any} */
          let event;
          try {
            event = JSON.parse(message.data);
          } catch {
            continue; // not an agent event
          }
          renderer.handle(event);
          if (renderer.finished) break;
        }
        if (renderer.finished) break;
      }
    } catch (error) {
      if (interrupted) return 130;
      dropped = idle ? `no data for ${idleS} s` : /** @type {Error} */ (error).message;
    }
    parser.end();
    if (renderer.finished) await response.body.cancel().catch(() => undefined);
  } finally {
    clearTimeout(idleTimer);
    process.removeListener('SIGINT', onSigint);
  }

  if (renderer.error) {
    fail(`query failed (${renderer.error.code}): ${renderer.error.message}${queryId ? c.dim(` [query ${queryId}]`) : ''}`);
    return EXIT_FAILED;
  }
  if (renderer.result) {
    const ok = Array.isArray(renderer.result.successful_sources) ? renderer.result.successful_sources : [];
    if (ok.length === 0) {
      fail('no source answered the question');
      return EXIT_FAILED;
    }
    return EXIT_OK;
  }
  // The stream ended (or broke) before `done` / `error`. The gateway cannot resume a
  // stream yet (no Last-Event-ID support), so report the drop instead of retrying.
  const last = parser.lastEventId ? `; last event id ${parser.lastEventId}` : '';
  fail(`the connection closed before the query finished${dropped ? ` (${dropped})` : ''}${last}${queryId ? `; query ${queryId}` : ''}`);
  return EXIT_FAILED;
}

/** @param {string[]} args */
async function sources(args) {
  const { values, positionals } = parse(args, { json: { type: 'boolean' }, url: { type: 'string' } });
  if (values.help) {
    writeOut(HELP);
    return EXIT_OK;
  }
  if (positionals.length) throw new UsageError(`sources takes no arguments (got ${positionals.join(' ')})`);
  const conn = connection(/** @type {string | undefined} */ (values.url));
  /** @type {Response} */
  let response;
  try {
    response = await fetch(`${conn.url}/api/agent/sources`, {
      headers: headers(conn, { Accept: 'application/json' }),
      signal: AbortSignal.timeout(15_000),
    });
  } catch (error) {
    fail(describeNetworkError(error, conn.url));
    return EXIT_FAILED;
  }
  if (!response.ok) {
    fail(await httpError(response));
    return EXIT_FAILED;
  }
  /** @type {any} */
  let list;
  try {
    list = await response.json();
  } catch {
    fail(`${conn.url}/api/agent/sources did not answer JSON (is --url pointing at Mosaic?)`);
    return EXIT_FAILED;
  }
  if (!Array.isArray(list)) {
    fail('unexpected answer from /api/agent/sources (not a list)');
    return EXIT_FAILED;
  }
  if (values.json) {
    writeOut(`${JSON.stringify(list, null, 2)}\n`);
    return EXIT_OK;
  }
  writeOut(formatTable(['id', 'name', 'enabled', 'configured'], list.map((s) => [s.id, s.name, yesNo(s.enabled), yesNo(s.configured)])));
  return EXIT_OK;
}

/** @param {unknown} v */
const yesNo = (v) => (v === true ? 'yes' : v === false ? 'no' : String(v ?? ''));

/**
 * @param {string[]} head
 * @param {unknown[][]} rows
 */
function formatTable(head, rows) {
  const cells = [head, ...rows.map((r) => r.map((v) => String(v ?? '')))];
  const widths = head.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  return cells.map((r) => r.map((v, i) => (i === r.length - 1 ? v : v.padEnd(widths[i]))).join('  ')).join('\n') + '\n';
}

/** @param {string[]} argv */
async function run(argv) {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
      writeErr(HELP);
      return EXIT_USAGE;
    case '-h':
    case '--help':
    case 'help':
      writeOut(HELP);
      return EXIT_OK;
    case '-v':
    case '--version':
      writeOut(`${version()}\n`);
      return EXIT_OK;
    case 'ask':
      return ask(rest);
    case 'sources':
      return sources(rest);
    default:
      throw new UsageError(`unknown command "${command}"; try \`mosaic --help\``);
  }
}

// A closed stdout (`mosaic ask ... | head`) is not an error.
process.stdout.on('error', (error) => {
  if (/** @type {NodeJS.ErrnoException} */ (error).code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

if (require.main === module) {
  run(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      if (error instanceof UsageError) {
        fail(error.message);
        process.exitCode = EXIT_USAGE;
      } else {
        fail(`unexpected error: ${error && error.stack ? error.stack : error}`);
        process.exitCode = EXIT_FAILED;
      }
    },
  );
}

module.exports = { run, formatTable, parseSources };
