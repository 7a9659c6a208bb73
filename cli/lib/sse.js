'use strict';
/**
 * A streaming parser for Server-Sent Events (the `text/event-stream` format of the
 * WHATWG HTML standard, section 9.2.6), with no dependencies.
 *
 * Feed it the response body as it arrives, in chunks of any size: a line, an event or
 * a multi-byte UTF-8 character may be split across chunks. Lines end with CRLF, LF or
 * CR; a blank line dispatches the event; lines starting with `:` are comments.
 */

/**
 * @typedef {object} SseEvent
 * @property {string} event  The `event:` field, `message` when absent.
 * @property {string} data   The `data:` lines joined with `\n`.
 * @property {string} [id]   The last event id seen so far in the stream (`id:` field), if any.
 * @property {number} [retry] The `retry:` field of this event, if any.
 */

/**
 * @typedef {object} SseParserOptions
 * @property {(text: string) => void} [onComment] Called with each comment line's text (after the `:`).
 * @property {(ms: number) => void} [onRetry] Called when a valid `retry:` field is read.
 */

class SseParser {
  /** @param {SseParserOptions} [options] */
  constructor(options = {}) {
    /** @private */ this.options = options;
    /** @private */ this.decoder = new TextDecoder('utf-8');
    /** @private */ this.buffer = '';
    /** @private A CR ended the previous chunk: a LF opening the next one belongs to it. */
    this.pendingCr = false;
    /** @private */ this.started = false;
    /** @private @type {string[]} */ this.dataLines = [];
    /** @private */ this.eventType = '';
    /** @private @type {number | undefined} */ this.retry = undefined;
    /** @private */ this.hasData = false;
    /** The stream's last event id (`Last-Event-ID` for a reconnection); '' when none. */
    this.lastEventId = '';
  }

  /**
   * Parses the next chunk and returns the events it completed.
   * @param {string | Uint8Array} chunk
   * @returns {SseEvent[]}
   */
  push(chunk) {
    let text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    if (text.length === 0) return [];
    if (!this.started) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (this.pendingCr && text.startsWith('\n')) text = text.slice(1);
    this.pendingCr = false;
    this.buffer += text;

    /** @type {SseEvent[]} */
    const events = [];
    let start = 0;
    for (;;) {
      const cr = this.buffer.indexOf('\r', start);
      const lf = this.buffer.indexOf('\n', start);
      if (cr === -1 && lf === -1) break;
      let end;
      let next;
      if (lf !== -1 && (cr === -1 || lf < cr)) {
        end = lf;
        next = lf + 1;
      } else {
        end = cr;
        if (cr + 1 === this.buffer.length) {
          // Cannot tell yet whether this CR is half of a CRLF.
          next = cr + 1;
          this.pendingCr = true;
        } else {
          next = this.buffer[cr + 1] === '\n' ? cr + 2 : cr + 1;
        }
      }
      const event = this.line(this.buffer.slice(start, end));
      if (event) events.push(event);
      start = next;
    }
    this.buffer = this.buffer.slice(start);
    return events;
  }

  /**
   * Ends the stream. Per the standard, an event not terminated by a blank line is
   * discarded; returns nothing but resets the parser's per-event state.
   * @returns {SseEvent[]}
   */
  end() {
    const rest = this.decoder.decode();
    if (rest) this.buffer += rest;
    this.buffer = '';
    this.pendingCr = false;
    this.resetEvent();
    return [];
  }

  /** Bytes received but not yet forming a complete line (diagnostics). */
  get pending() {
    return this.buffer;
  }

  /**
   * @private
   * @param {string} line
   * @returns {SseEvent | undefined}
   */
  line(line) {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) {
      this.options.onComment?.(line.slice(1).replace(/^ /, ''));
      return undefined;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'data':
        this.dataLines.push(value);
        this.hasData = true;
        break;
      case 'event':
        this.eventType = value;
        break;
      case 'id':
        if (!value.includes('\0')) this.lastEventId = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) {
          this.retry = Number(value);
          this.options.onRetry?.(this.retry);
        }
        break;
      default:
        // Unknown fields are ignored.
        break;
    }
    return undefined;
  }

  /**
   * @private
   * @returns {SseEvent | undefined}
   */
  dispatch() {
    if (!this.hasData) {
      this.resetEvent();
      return undefined;
    }
    /** @type {SseEvent} */
    const event = { event: this.eventType || 'message', data: this.dataLines.join('\n') };
    if (this.lastEventId !== '') event.id = this.lastEventId;
    if (this.retry !== undefined) event.retry = this.retry;
    this.resetEvent();
    return event;
  }

  /** @private */
  resetEvent() {
    this.dataLines = [];
    this.hasData = false;
    this.eventType = '';
    this.retry = undefined;
  }
}

/**
 * Parses a whole SSE text at once (tests, small bodies).
 * @param {string} text
 * @returns {SseEvent[]}
 */
function parseSse(text) {
  const parser = new SseParser();
  const events = parser.push(text);
  parser.end();
  return events;
}

module.exports = { SseParser, parseSse };
