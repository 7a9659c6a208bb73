import { EventEmitter } from 'node:events';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import CircuitBreaker from 'opossum';
import type { BreakerState } from '@mosaic/contracts';

export type { BreakerState };

/** Gauge value of each state (`mosaic_breaker_state`): higher is worse. */
export const BREAKER_STATE_VALUE: Readonly<Record<BreakerState, number>> = { closed: 0, half_open: 1, open: 2 };

export interface BreakerSettings {
  /** Longest one call may take; the call's AbortSignal fires when it is exceeded. */
  timeoutMs: number;
  /** Failure percentage within the rolling window above which the breaker opens. */
  errorThresholdPercentage: number;
  /** Calls within the rolling window before the failure percentage counts at all. */
  volumeThreshold: number;
  /** Time spent open before one half-open probe is let through. */
  resetTimeoutMs: number;
  /** Length of the window the failure percentage is computed over. */
  rollingWindowMs: number;
  /** Closed breakers unused for this long are dropped (one per credential set would otherwise pile up). */
  idleMs?: number;
}

/** Thrown without calling the server while the breaker is open (or its half-open probe is in flight). */
export class CircuitOpenError extends Error {
  readonly code = 'circuit_open';
  constructor(readonly connector: string, options?: { cause?: unknown }) {
    super(`${connector} unavailable (circuit open)`, options);
    this.name = 'CircuitOpenError';
  }
}

/** The breaker's timeout ran out; the call's signal was aborted with this error. */
export class CallTimeoutError extends Error {
  readonly code = 'call_timeout';
  constructor(label: string, timeoutMs: number, options?: { cause?: unknown }) {
    super(`${label} timed out after ${timeoutMs} ms`, options);
    this.name = 'CallTimeoutError';
  }
}

/**
 * Errors that are the caller's fault, not the server's: the server answered, it just said no.
 * They must not trip the breaker. (Tool results with `isError` are not errors at all: the
 * session returns them as `{ ok: false }`, which the breaker counts as a success.)
 */
export function isCallerFault(error: unknown): boolean {
  const cause = error instanceof McpError ? error : (error as { cause?: unknown } | undefined)?.cause;
  return (
    cause instanceof McpError &&
    (cause.code === ErrorCode.InvalidParams || cause.code === ErrorCode.MethodNotFound || cause.code === ErrorCode.InvalidRequest)
  );
}

const BUCKETS = 10;

/**
 * One opossum circuit breaker around the calls to one MCP server (one connector with one
 * credential set). Each call gets its own AbortController: when the breaker's timeout fires,
 * that call's signal is aborted, so the request is cancelled on the server instead of running
 * on in the background. (opossum's own `abortController` option is one controller per breaker:
 * a single timeout would abort every concurrent call, and, until the next state change, every
 * later one.)
 */
export class ToolCallBreaker {
  private readonly breaker: CircuitBreaker<[(signal: AbortSignal) => Promise<unknown>, AbortController], unknown>;
  lastUsedAt = Date.now();
  inFlight = 0;

  constructor(
    readonly connector: string,
    private readonly settings: BreakerSettings,
    rotateBuckets: EventEmitter,
    onStateChange: (state: BreakerState) => void,
  ) {
    this.breaker = new CircuitBreaker((fn: (signal: AbortSignal) => Promise<unknown>, controller: AbortController) => fn(controller.signal), {
      name: connector,
      timeout: settings.timeoutMs,
      errorThresholdPercentage: settings.errorThresholdPercentage,
      volumeThreshold: settings.volumeThreshold,
      resetTimeout: settings.resetTimeoutMs,
      rollingCountTimeout: settings.rollingWindowMs,
      rollingCountBuckets: BUCKETS,
      rotateBucketController: rotateBuckets,
      enableSnapshots: false,
      rollingPercentilesEnabled: false,
      errorFilter: isCallerFault,
    });
    this.breaker.on('open', () => onStateChange('open'));
    this.breaker.on('halfOpen', () => onStateChange('half_open'));
    this.breaker.on('close', () => onStateChange('closed'));
  }

  get state(): BreakerState {
    if (this.breaker.opened) return 'open';
    if (this.breaker.halfOpen) return 'half_open';
    return 'closed';
  }

  /**
   * Runs `fn` through the breaker. `fn` must pass the signal on to the call it makes. Rejects
   * with CircuitOpenError without running `fn` while open, with CallTimeoutError after the
   * timeout (having aborted the signal), else with `fn`'s own error.
   */
  async call<T>(label: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    this.lastUsedAt = Date.now();
    this.inFlight++;
    const controller = new AbortController();
    try {
      return (await this.breaker.fire(fn, controller)) as T;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'EOPENBREAKER') throw new CircuitOpenError(this.connector, { cause: error });
      if (code === 'ETIMEDOUT' && !controller.signal.aborted) {
        const timeout = new CallTimeoutError(label, this.settings.timeoutMs, { cause: error });
        controller.abort(timeout);
        throw timeout;
      }
      throw error;
    } finally {
      this.inFlight--;
      this.lastUsedAt = Date.now();
    }
  }

  shutdown(): void {
    this.breaker.shutdown();
  }
}

/**
 * The worker's breakers, one per (connector, credential set): one user's broken credentials
 * or one dead server never fails everybody else's calls. Keys are hashes, never credentials.
 * A single timer rotates every breaker's rolling window.
 */
export class BreakerRegistry {
  private readonly breakers = new Map<string, ToolCallBreaker>();
  private readonly rotate = new EventEmitter();
  private readonly rotator: NodeJS.Timeout;

  constructor(
    private readonly settings: BreakerSettings,
    /** Called on every transition, with the connector's worst state after it. */
    private readonly onStateChange: (connector: string, state: BreakerState, worst: BreakerState) => void = () => undefined,
  ) {
    this.rotate.setMaxListeners(0);
    this.rotator = setInterval(() => {
      this.rotate.emit('rotate');
      this.dropIdle();
    }, Math.max(1, Math.floor(settings.rollingWindowMs / BUCKETS)));
    this.rotator.unref();
  }

  /** The breaker of `connector` with the credential set hashed as `credentialHash`. */
  get(connector: string, credentialHash: string): ToolCallBreaker {
    const key = `${connector}:${credentialHash}`;
    let breaker = this.breakers.get(key);
    if (!breaker) {
      breaker = new ToolCallBreaker(connector, this.settings, this.rotate, (state) =>
        this.onStateChange(connector, state, this.worstState(connector)),
      );
      this.breakers.set(key, breaker);
    }
    return breaker;
  }

  /** The worst state among the connector's breakers (`closed` when it has none). */
  worstState(connector: string): BreakerState {
    let worst: BreakerState = 'closed';
    for (const breaker of this.breakers.values()) {
      if (breaker.connector === connector && BREAKER_STATE_VALUE[breaker.state] > BREAKER_STATE_VALUE[worst]) worst = breaker.state;
    }
    return worst;
  }

  get size(): number {
    return this.breakers.size;
  }

  private dropIdle(now = Date.now()): void {
    const idleMs = this.settings.idleMs;
    if (!idleMs) return;
    for (const [key, breaker] of this.breakers) {
      // Only closed breakers: dropping an open one would forget that its server is down.
      if (breaker.state === 'closed' && breaker.inFlight === 0 && now - breaker.lastUsedAt > idleMs) {
        breaker.shutdown();
        this.breakers.delete(key);
      }
    }
  }

  shutdown(): void {
    clearInterval(this.rotator);
    for (const breaker of this.breakers.values()) breaker.shutdown();
    this.breakers.clear();
  }
}
