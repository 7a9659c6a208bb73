import { codeAndMessage, configOrExit, messageOf, redactSecret, runStdioMain } from './stdio-main';

describe('stdio-main', () => {
  let exit: jest.SpyInstance;
  let stderr: jest.SpyInstance;

  beforeEach(() => {
    exit = jest.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });

  afterEach(() => jest.restoreAllMocks());

  describe(configOrExit.name, () => {
    it('should return the config when it parsed', () => {
      expect(configOrExit({ ok: true, config: { a: 1 } })).toEqual({ a: 1 });
      expect(exit).not.toHaveBeenCalled();
    });

    it('should write the message and exit 1 when the environment is invalid', () => {
      configOrExit({ ok: false, message: 'Invalid environment:\n  - X: is required' });
      expect(stderr).toHaveBeenCalledWith('Invalid environment:\n  - X: is required\n');
      expect(exit).toHaveBeenCalledWith(1);
    });
  });

  describe(runStdioMain.name, () => {
    it('should report a start-up failure, redacted, and exit 1 when main rejects', async () => {
      runStdioMain('Test MCP server', () => Promise.reject(new Error('bad token s3cr3t')), (m) => redactSecret(m, 's3cr3t'));
      await new Promise((resolve) => setImmediate(resolve));
      expect(stderr).toHaveBeenCalledWith('Test MCP server failed to start: bad token [redacted]\n');
      expect(exit).toHaveBeenCalledWith(1);
    });

    it('should neither write nor exit when main resolves', async () => {
      runStdioMain('Test MCP server', () => Promise.resolve());
      await new Promise((resolve) => setImmediate(resolve));
      expect(stderr).not.toHaveBeenCalled();
      expect(exit).not.toHaveBeenCalled();
    });
  });

  describe(redactSecret.name, () => {
    it('should replace every occurrence of the secret, and leave the message when there is none', () => {
      expect(redactSecret('a x a', 'a')).toBe('[redacted] x [redacted]');
      expect(redactSecret('a x a', undefined)).toBe('a x a');
      expect(redactSecret('a x a', '')).toBe('a x a');
    });
  });

  describe(codeAndMessage.name, () => {
    it('should keep only the code and message of a driver error', () => {
      const error = Object.assign(new Error('relation missing'), { code: '42P01', query: 'SELECT secret' });
      expect(codeAndMessage(error)).toEqual({ code: '42P01', message: 'relation missing' });
      expect(codeAndMessage('plain')).toEqual({ message: 'plain' });
    });
  });

  describe(messageOf.name, () => {
    it('should use the error message when it is an Error', () => {
      expect(messageOf(new Error('boom'))).toBe('boom');
      expect(messageOf(42)).toBe('42');
    });
  });
});
