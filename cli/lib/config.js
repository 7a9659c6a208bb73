'use strict';
/** Where the CLI finds Mosaic: flags, then the environment, then `.mosaic/demo.env`. */
const fs = require('node:fs');
const path = require('node:path');

const DEFAULT_URL = 'http://127.0.0.1:8080';

/**
 * Reads `KEY=VALUE` lines (comments, blank lines, `export ` and quotes allowed).
 * @param {string} text
 * @returns {Record<string, string>}
 */
function parseEnvFile(text) {
  /** @type {Record<string, string>} */
  const values = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) continue;
    let value = match[2];
    if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.endsWith(value[0])) value = value.slice(1, -1);
    values[match[1]] = value;
  }
  return values;
}

/**
 * The nearest `.mosaic/demo.env` at or above `from`, or undefined.
 * @param {string} from
 * @returns {string | undefined}
 */
function findDemoEnv(from) {
  let dir = path.resolve(from);
  for (;;) {
    const file = path.join(dir, '.mosaic', 'demo.env');
    if (fs.existsSync(file)) return file;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * @typedef {object} Connection
 * @property {string} url     Base URL without a trailing slash.
 * @property {string} urlFrom Where the URL came from (`--url`, `MOSAIC_URL`, a demo.env path, `default`).
 * @property {string} [apiKey]
 */

/**
 * @param {{ url?: string, env?: NodeJS.ProcessEnv, cwd?: string }} options
 * @returns {Connection}
 */
function resolveConnection({ url, env = process.env, cwd = process.cwd() }) {
  /** @type {Record<string, string> | undefined} */
  let demo;
  /** @type {string | undefined} */
  let demoFile;
  const readDemo = () => {
    if (demo === undefined) {
      demoFile = findDemoEnv(cwd);
      demo = {};
      if (demoFile) {
        try {
          demo = parseEnvFile(fs.readFileSync(demoFile, 'utf8'));
        } catch {
          demo = {};
        }
      }
    }
    return demo;
  };

  /** @type {string} */
  let chosen;
  /** @type {string} */
  let urlFrom;
  if (url) {
    chosen = url;
    urlFrom = '--url';
  } else if (env.MOSAIC_URL) {
    chosen = env.MOSAIC_URL;
    urlFrom = 'MOSAIC_URL';
  } else if (readDemo().MOSAIC_URL) {
    chosen = readDemo().MOSAIC_URL;
    urlFrom = /** @type {string} */ (demoFile);
  } else {
    chosen = DEFAULT_URL;
    urlFrom = 'default';
  }
  const apiKey = env.MOSAIC_API_KEY || readDemo().MOSAIC_API_KEY || undefined;
  return { url: chosen.replace(/\/+$/, ''), urlFrom, ...(apiKey ? { apiKey } : {}) };
}

/**
 * Checks a base URL; returns an error message or undefined.
 * @param {string} url
 * @returns {string | undefined}
 */
function checkUrl(url) {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return `${url} is not an http(s) URL`;
    return undefined;
  } catch {
    return `${url} is not a valid URL`;
  }
}

module.exports = { DEFAULT_URL, parseEnvFile, findDemoEnv, resolveConnection, checkUrl };
