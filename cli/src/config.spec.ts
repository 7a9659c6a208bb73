import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { checkUrl, DEFAULT_URL, parseEnvFile, resolveConnection } from '../lib/config';

describe('resolveConnection', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'mosaic-cli-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const withDemoEnv = (text: string) => {
    mkdirSync(path.join(dir, '.mosaic'));
    writeFileSync(path.join(dir, '.mosaic', 'demo.env'), text);
    const nested = path.join(dir, 'a', 'b');
    mkdirSync(nested, { recursive: true });
    return nested;
  };

  it('prefers --url, then MOSAIC_URL, then demo.env found above cwd, then the default', () => {
    const cwd = withDemoEnv('MOSAIC_URL=http://127.0.0.1:9999\n');
    expect(resolveConnection({ url: 'http://flag:1/', env: { MOSAIC_URL: 'http://env:2' }, cwd }).url).toBe('http://flag:1');
    expect(resolveConnection({ env: { MOSAIC_URL: 'http://env:2' }, cwd })).toEqual({ url: 'http://env:2', urlFrom: 'MOSAIC_URL' });
    expect(resolveConnection({ env: {}, cwd })).toEqual({ url: 'http://127.0.0.1:9999', urlFrom: path.join(dir, '.mosaic', 'demo.env') });
    const empty = mkdtempSync(path.join(tmpdir(), 'mosaic-cli-empty-'));
    try {
      expect(resolveConnection({ env: {}, cwd: empty })).toEqual({ url: DEFAULT_URL, urlFrom: 'default' });
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('takes MOSAIC_API_KEY from the environment, else from demo.env', () => {
    const cwd = withDemoEnv('# written by npm start\nMOSAIC_URL=http://x:1\nexport MOSAIC_API_KEY="from-file"\n');
    expect(resolveConnection({ env: {}, cwd }).apiKey).toBe('from-file');
    expect(resolveConnection({ env: { MOSAIC_API_KEY: 'from-env' }, cwd }).apiKey).toBe('from-env');
  });

  it('parses env files and checks URLs', () => {
    expect(parseEnvFile("A=1\n\n# c\nB = 'two words'\nnot a line\r\nC=\n")).toEqual({ A: '1', B: 'two words', C: '' });
    expect(checkUrl('http://127.0.0.1:8080')).toBeUndefined();
    expect(checkUrl('ftp://x')).toMatch(/not an http/);
    expect(checkUrl('nope')).toMatch(/not a valid URL/);
  });
});
