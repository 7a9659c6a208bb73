/** Longest tail held back because it may be the start of a marker split across deltas ("[1", "[12, 1"). */
const MAX_PENDING = 24;
const MARKER = /\[(\s*\d+(?:\s*,\s*\d+)*\s*)\]/g;
const OPEN_TAIL = /\[[\d,\s]*$/;

/**
 * Passes streamed answer text through, keeping only `[n]` markers that name an evidence item
 * (1..count). A marker naming nothing (a model's invention, or one forged by a document) is
 * dropped rather than shown as a citation that leads nowhere. `[1, 3]` is rewritten `[1][3]`.
 * Text that may be the start of a marker is held until the next delta decides it.
 */
export class CitationMarkerFilter {
  /** Marker numbers in order of first use. */
  readonly used: number[] = [];
  private pending = '';

  constructor(private readonly count: number) {}

  push(text: string): string {
    const buffered = this.pending + text;
    const tail = OPEN_TAIL.exec(buffered);
    if (tail && buffered.length - tail.index <= MAX_PENDING) {
      this.pending = buffered.slice(tail.index);
      return this.rewrite(buffered.slice(0, tail.index));
    }
    this.pending = '';
    return this.rewrite(buffered);
  }

  /** The held-back tail, once the stream has ended. */
  flush(): string {
    const rest = this.pending;
    this.pending = '';
    return this.rewrite(rest);
  }

  private rewrite(text: string): string {
    return text.replace(MARKER, (_match, list: string) =>
      list
        .split(',')
        .map((n) => Number(n.trim()))
        .filter((n) => Number.isInteger(n) && n >= 1 && n <= this.count)
        .map((n) => {
          if (!this.used.includes(n)) this.used.push(n);
          return `[${n}]`;
        })
        .join(''),
    );
  }
}
