import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { BreakerRegistry, BreakerSettings, BreakerState, CallTimeoutError, CircuitOpenError, isCallerFault, ToolCallBreaker } from './breaker-registry';
import { McpCallError, ToolOutcome } from './mcp-session';

const SETTINGS: BreakerSettings = {
  timeoutMs: 1_000,
  errorThresholdPercentage: 50,
  volumeThreshold: 5,
  resetTimeoutMs: 30_000,
  rollingWindowMs: 10_000,
};

const transportFailure = () => Promise.reject(new McpCallError('search: Connection closed'));
const success = (): Promise<ToolOutcome> => Promise.resolve({ ok: true, text: 'fine' });

describe(BreakerRegistry.name, () => {
  let transitions: Array<{ connector: string; state: BreakerState; worst: BreakerState }>;
  let registry: BreakerRegistry;
  let sut: ToolCallBreaker;

  beforeEach(() => {
    jest.useFakeTimers();
    transitions = [];
    registry = new BreakerRegistry(SETTINGS, (connector, state, worst) => transitions.push({ connector, state, worst }));
    sut = registry.get('echo', 'hash-a');
  });

  afterEach(() => {
    registry.shutdown();
    jest.useRealTimers();
  });

  /** Fires `n` calls that fail at the transport, swallowing the rejections. */
  const failTimes = async (n: number) => {
    for (let i = 0; i < n; i++) await sut.call('echo.search', transportFailure).catch(() => undefined);
  };

  /** Opens the breaker: as many transport failures as the volume threshold. */
  const open = async () => {
    await failTimes(SETTINGS.volumeThreshold);
    expect(sut.state).toBe('open');
  };

  it('should stay closed when every call failed but fewer calls than the volume threshold were made', async () => {
    await failTimes(SETTINGS.volumeThreshold - 1);

    expect(sut.state).toBe('closed');
    const fn = jest.fn(success);
    await expect(sut.call('echo.search', fn)).resolves.toEqual({ ok: true, text: 'fine' });
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('should open when the failure percentage exceeds the threshold with enough volume', async () => {
    await failTimes(SETTINGS.volumeThreshold);

    expect(sut.state).toBe('open');
    expect(transitions).toEqual([{ connector: 'echo', state: 'open', worst: 'open' }]);
  });

  it('should stay closed when the failure percentage is at or below the threshold', async () => {
    for (let i = 0; i < 5; i++) await sut.call('echo.search', success);
    await failTimes(5); // 5 of 10: not above 50 %

    expect(sut.state).toBe('closed');
  });

  it('should forget failures older than the rolling window when counting volume', async () => {
    await failTimes(SETTINGS.volumeThreshold - 1);
    await jest.advanceTimersByTimeAsync(SETTINGS.rollingWindowMs + 1_000);
    await failTimes(1);

    expect(sut.state).toBe('closed');
  });

  it('should fail fast without calling the server when open', async () => {
    await open();
    const fn = jest.fn(success);

    const error = await sut.call('echo.search', fn).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(CircuitOpenError);
    expect((error as Error).message).toBe('echo unavailable (circuit open)');
    expect(fn).not.toHaveBeenCalled();
  });

  it('should let exactly one probe through when half-open after the reset timeout, and close when it succeeds', async () => {
    await open();
    await jest.advanceTimersByTimeAsync(SETTINGS.resetTimeoutMs - 1);
    expect(sut.state).toBe('open');
    await jest.advanceTimersByTimeAsync(1);
    expect(sut.state).toBe('half_open');

    let answer!: (o: ToolOutcome) => void;
    const probe = jest.fn(() => new Promise<ToolOutcome>((resolve) => (answer = resolve)));
    const probing = sut.call('echo.search', probe);
    const concurrent = jest.fn(success);
    await expect(sut.call('echo.search', concurrent)).rejects.toBeInstanceOf(CircuitOpenError);
    expect(concurrent).not.toHaveBeenCalled();

    answer({ ok: true, text: 'back' });
    await expect(probing).resolves.toEqual({ ok: true, text: 'back' });
    expect(sut.state).toBe('closed');
    expect(transitions.map((t) => t.state)).toEqual(['open', 'half_open', 'closed']);
  });

  it('should re-open when the half-open probe fails', async () => {
    await open();
    await jest.advanceTimersByTimeAsync(SETTINGS.resetTimeoutMs);

    await expect(sut.call('echo.search', transportFailure)).rejects.toBeInstanceOf(McpCallError);

    expect(sut.state).toBe('open');
    expect(transitions.map((t) => t.state)).toEqual(['open', 'half_open', 'open']);
    // ...and waits a whole reset timeout again before the next probe.
    await jest.advanceTimersByTimeAsync(SETTINGS.resetTimeoutMs - 1);
    expect(sut.state).toBe('open');
  });

  it('should abort the call and reject with a timeout error when the call outlives the timeout', async () => {
    let seen: AbortSignal | undefined;
    const hang = (signal: AbortSignal) => {
      seen = signal;
      return new Promise<ToolOutcome>((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
    };

    const calling = sut.call('echo.sleep', hang).catch((e: unknown) => e);
    await jest.advanceTimersByTimeAsync(SETTINGS.timeoutMs - 1);
    expect(seen?.aborted).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    const error = await calling;

    expect(error).toBeInstanceOf(CallTimeoutError);
    expect((error as Error).message).toBe('echo.sleep timed out after 1000 ms');
    expect(seen?.aborted).toBe(true);
    expect(seen?.reason).toBe(error);
  });

  it('should give each call its own signal when one call times out', async () => {
    const signals: AbortSignal[] = [];
    const slow = (ms: number) => (signal: AbortSignal) => {
      signals.push(signal);
      return new Promise<ToolOutcome>((resolve) => setTimeout(() => resolve({ ok: true, text: `${ms}` }), ms));
    };

    const timingOut = sut.call('echo.sleep', slow(5_000)).catch((e: unknown) => e);
    const inTime = sut.call('echo.sleep', slow(500));
    await jest.advanceTimersByTimeAsync(1_000);

    await expect(timingOut).resolves.toBeInstanceOf(CallTimeoutError);
    await expect(inTime).resolves.toEqual({ ok: true, text: '500' });
    expect(signals.map((s) => s.aborted)).toEqual([true, false]);
    // The next call starts with a fresh signal.
    await sut.call('echo.echo', (signal) => {
      signals.push(signal);
      return success();
    });
    expect(signals[2]?.aborted).toBe(false);
  });

  it('should open on timeouts like on transport failures', async () => {
    const hang = (signal: AbortSignal) => new Promise<ToolOutcome>((_r, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
    for (let i = 0; i < SETTINGS.volumeThreshold; i++) {
      const calling = sut.call('echo.sleep', hang).catch(() => undefined);
      await jest.advanceTimersByTimeAsync(SETTINGS.timeoutMs);
      await calling;
    }

    expect(sut.state).toBe('open');
  });

  it('should stay closed when tools return errors or reject the arguments', async () => {
    for (let i = 0; i < 10; i++) await sut.call('echo.fail', () => Promise.resolve<ToolOutcome>({ ok: false, text: 'echo was asked to fail' }));
    for (let i = 0; i < 10; i++) {
      await sut
        .call('echo.echo', () => Promise.reject(new McpCallError('echo: bad args', { cause: new McpError(ErrorCode.InvalidParams, 'message: required') })))
        .catch(() => undefined);
    }

    expect(sut.state).toBe('closed');
  });

  it('should keep a separate breaker per credential set when one opens', async () => {
    await open();

    const other = registry.get('echo', 'hash-b');

    expect(other.state).toBe('closed');
    await expect(other.call('echo.search', success)).resolves.toMatchObject({ ok: true });
    expect(registry.get('echo', 'hash-a')).toBe(sut);
    expect(registry.worstState('echo')).toBe('open');
  });

  it('should drop idle closed breakers but keep open ones when idleMs is set', async () => {
    registry.shutdown();
    registry = new BreakerRegistry({ ...SETTINGS, idleMs: 60_000 });
    sut = registry.get('echo', 'open-one');
    await open();
    registry.get('echo', 'idle-one');

    await jest.advanceTimersByTimeAsync(61_000);

    expect(registry.size).toBe(1);
    expect(registry.get('echo', 'open-one')).toBe(sut);
  });
});

describe(isCallerFault.name, () => {
  it.each([
    ['invalid params', new McpCallError('x', { cause: new McpError(ErrorCode.InvalidParams, 'bad') }), true],
    ['an unknown tool', new McpError(ErrorCode.MethodNotFound, 'no such tool'), true],
    ['a request timeout', new McpCallError('x', { cause: new McpError(ErrorCode.RequestTimeout, 'timed out') }), false],
    ['a closed connection', new McpCallError('x', { cause: new McpError(ErrorCode.ConnectionClosed, 'closed') }), false],
    ['a plain error', new Error('ECONNREFUSED'), false],
  ])('should say %s is %s', (_case, error, expected) => {
    expect(isCallerFault(error)).toBe(expected);
  });
});
