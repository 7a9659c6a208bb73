'use strict';
/** Turns agent stream events into terminal output: progress on stderr, the answer on stdout. */

/**
 * @typedef {object} Palette
 * @property {(s: string) => string} dim
 * @property {(s: string) => string} bold
 * @property {(s: string) => string} green
 * @property {(s: string) => string} red
 * @property {(s: string) => string} yellow
 * @property {(s: string) => string} cyan
 */

/**
 * @param {boolean} enabled
 * @returns {Palette}
 */
function palette(enabled) {
  /** @param {number} open @param {number} close */
  const sgr = (open, close) => (/** @type {string} */ s) => (enabled ? `\u001b[${open}m${s}\u001b[${close}m` : s);
  return { dim: sgr(2, 22), bold: sgr(1, 22), green: sgr(32, 39), red: sgr(31, 39), yellow: sgr(33, 39), cyan: sgr(36, 39) };
}

/**
 * Colors only for a terminal, and never when NO_COLOR is set (https://no-color.org) or TERM=dumb.
 * @param {{ isTTY?: boolean }} stream
 * @param {NodeJS.ProcessEnv} env
 */
function colorEnabled(stream, env) {
  return Boolean(stream.isTTY) && env.NO_COLOR === undefined && env.TERM !== 'dumb';
}

/**
 * Collapses whitespace and cuts to about `max` characters, on a word boundary when one is near.
 * @param {string} text
 * @param {number} [max]
 */
function truncate(text, max = 160) {
  const flat = String(text).replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  let cut = flat.slice(0, max);
  const space = cut.lastIndexOf(' ');
  if (space > max * 0.75) cut = cut.slice(0, space);
  return `${cut.replace(/[\s.,;:]+$/, '')}…`;
}

/** @param {number} ms */
function formatMs(ms) {
  if (!Number.isFinite(ms)) return '? ms';
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

/**
 * @typedef {object} Citation
 * @property {number} index
 * @property {string} source
 * @property {string} tool
 * @property {string} item
 * @property {string} [url]
 * @property {string} excerpt
 */

/**
 * The "Sources:" block printed under the answer.
 * @param {Citation[]} citations
 * @returns {string}
 */
function formatCitations(citations) {
  if (!citations.length) return '';
  const lines = citations.map((c) => {
    const excerpt = truncate(c.excerpt ?? '');
    return `[${c.index}] ${c.source} · ${c.tool} · ${c.item}${excerpt ? ` — ${excerpt}` : ''}`;
  });
  return `Sources:\n${lines.join('\n')}\n`;
}

/**
 * @typedef {object} RendererOptions
 * @property {(s: string) => void} out   stdout
 * @property {(s: string) => void} err   stderr
 * @property {boolean} [color]
 * @property {boolean} [json] Only the final result, as JSON, on stdout; no progress.
 */

/**
 * Consumes parsed agent events (`{event_type, ...}`) one at a time.
 */
class Renderer {
  /** @param {RendererOptions} options */
  constructor(options) {
    /** @private */ this.out = options.out;
    /** @private */ this.err = options.err;
    /** @private */ this.json = Boolean(options.json);
    /** @private */ this.c = palette(Boolean(options.color));
    /** @private */ this.answerStarted = false;
    /** @private Whitespace ending the answer so far, not yet written. */ this.heldBack = '';
    /** @type {any} The `done` result, once seen. */
    this.result = undefined;
    /** @type {{ code: string, message: string } | undefined} The `error` event, once seen. */
    this.error = undefined;
  }

  /** True once a terminal event (`done` or `error`) was handled. */
  get finished() {
    return this.result !== undefined || this.error !== undefined;
  }

  /** @private @param {string} line */
  progress(line) {
    if (!this.json) this.err(`${line}\n`);
  }

  /**
   * @param {any} event
   */
  handle(event) {
    const { c } = this;
    if (!event || typeof event !== 'object') return;
    switch (event.event_type) {
      case 'planning':
        this.progress(c.dim('… planning'));
        break;
      case 'plan_complete': {
        /** @type {{source: string, confidence: number}[]} */
        const sources = Array.isArray(event.sources) ? event.sources : [];
        const list = sources.length
          ? sources.map((s) => `${c.bold(s.source)} ${c.dim(`(${Math.round(Number(s.confidence) * 100)}%)`)}`).join(', ')
          : c.yellow('no source');
        this.progress(`${c.cyan('plan')}: ${list}`);
        if (event.reasoning) this.progress(c.dim(`  ${truncate(event.reasoning, 200)}`));
        break;
      }
      case 'source_start':
        break;
      case 'tool_start':
        this.progress(`${c.cyan('▸')} ${event.source}: ${event.tool} …`);
        break;
      case 'tool_end':
        if (event.success === false) this.progress(c.dim(`  ${event.source}: ${event.tool} failed (${formatMs(event.duration_ms)})`));
        break;
      case 'source_complete':
        if (event.success) {
          const items = `${event.items} item${event.items === 1 ? '' : 's'}`;
          this.progress(`${c.green('✓')} ${event.source} ${c.dim(`(${items}, ${formatMs(event.duration_ms)})`)}`);
        } else {
          this.progress(`${c.red('✗')} ${event.source}: ${event.error ?? 'failed'}`);
        }
        break;
      case 'synthesizing':
        this.progress(c.dim('… synthesizing'));
        if (!this.json) this.err('\n');
        break;
      case 'synthesis_chunk':
        if (this.json || typeof event.chunk !== 'string' || event.chunk === '') break;
        this.answerText(event.chunk);
        break;
      case 'done':
        this.result = event.result ?? {};
        this.printResult();
        break;
      case 'error':
        this.error = { code: String(event.code ?? 'error'), message: String(event.error ?? 'the query failed') };
        if (this.answerStarted) this.out('\n');
        break;
      default:
        break;
    }
  }

  /**
   * Writes answer text as it streams, holding back trailing line breaks until more text
   * follows, so the answer always ends with exactly one newline.
   * @private
   * @param {string} text
   */
  answerText(text) {
    const trimmed = text.replace(/\s+$/, '');
    if (trimmed === '') {
      if (this.answerStarted) this.heldBack += text;
      return;
    }
    const lead = this.answerStarted ? this.heldBack : '';
    const body = this.answerStarted ? trimmed : trimmed.replace(/^\s+/, '');
    this.out(lead + body);
    this.heldBack = text.slice(trimmed.length);
    this.answerStarted = true;
  }

  /** @private */
  printResult() {
    const result = this.result;
    if (this.json) {
      this.out(`${JSON.stringify(result, null, 2)}\n`);
      return;
    }
    if (!this.answerStarted && typeof result.response === 'string' && result.response) {
      // No chunks were streamed (or they were missed): print the whole answer now.
      this.answerText(result.response);
    }
    if (this.answerStarted) this.out('\n');
    const citations = Array.isArray(result.citations) ? result.citations : [];
    if (citations.length) this.out(`\n${formatCitations(citations)}`);
    const ok = Array.isArray(result.successful_sources) ? result.successful_sources : [];
    const failed = Array.isArray(result.failed_sources) ? result.failed_sources : [];
    const parts = [`done in ${formatMs(Number(result.duration_ms))}`];
    if (ok.length) parts.push(`answered by ${ok.join(', ')}`);
    if (failed.length) parts.push(`failed: ${failed.join(', ')}`);
    this.progress(this.c.dim(`\n${parts.join(' · ')}`));
  }
}

module.exports = { Renderer, palette, colorEnabled, truncate, formatCitations, formatMs };
