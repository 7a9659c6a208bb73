import { ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { FixtureObject } from './s3-fixtures';

/**
 * A real S3-compatible server for tests: s3rver (the S3 REST API over a temp directory), run in a
 * child process on 127.0.0.1 port 0. A child process, not in-process, because s3rver encrypts
 * ListObjectsV2 continuation tokens with DES, which Node 24's OpenSSL 3 only offers under
 * `--openssl-legacy-provider`: in-process, every truncated listing would be a 500.
 *
 * s3rver knows one account, `S3RVER`: any other access key id gets the real 403
 * InvalidAccessKeyId, but SigV4 signatures are not checked, so any secret key works with it.
 */
export interface S3rver {
  /** e.g. `http://127.0.0.1:54321`; use path-style requests. */
  endpoint: string;
  accessKeyId: string;
  close(): Promise<void>;
}

export const S3RVER_ACCESS_KEY_ID = 'S3RVER';

const LAUNCHER = `
const S3rver = require(process.env.S3RVER_MODULE);
const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: process.env.S3RVER_DIRECTORY });
server.run().then(
  (address) => process.stdout.write(JSON.stringify({ port: address.port }) + '\\n'),
  (error) => { process.stderr.write(String(error && error.stack || error)); process.exit(1); },
);
// The parent closing stdin (or dying) ends the server.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
`;

export async function startS3rver(options: { seed?: Readonly<Record<string, readonly FixtureObject[]>>; secretAccessKey?: string } = {}): Promise<S3rver> {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'mosaic-s3rver-'));
  const child = spawn(process.execPath, ['--openssl-legacy-provider', '-e', LAUNCHER], {
    env: { ...process.env, S3RVER_MODULE: require.resolve('s3rver'), S3RVER_DIRECTORY: directory },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let port: number;
  try {
    port = await readPort(child);
  } catch (error) {
    child.kill('SIGKILL');
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
  const endpoint = `http://127.0.0.1:${port}`;
  const close = async () => {
    const exited = new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve())));
    child.stdin?.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
    await exited;
    clearTimeout(timer);
    await rm(directory, { recursive: true, force: true });
  };
  try {
    if (options.seed) await seedS3(endpoint, options.seed, options.secretAccessKey ?? 'S3RVER');
  } catch (error) {
    await close();
    throw error;
  }
  return { endpoint, accessKeyId: S3RVER_ACCESS_KEY_ID, close };
}

/** Creates the buckets and puts the objects through the S3 API itself. */
export async function seedS3(endpoint: string, buckets: Readonly<Record<string, readonly FixtureObject[]>>, secretAccessKey = 'S3RVER'): Promise<void> {
  const s3 = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: S3RVER_ACCESS_KEY_ID, secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  try {
    for (const [bucket, objects] of Object.entries(buckets)) {
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      for (const object of objects) {
        const body = typeof object.body === 'string' ? Buffer.from(object.body) : object.body;
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: object.key, Body: body, ContentLength: body.byteLength, ContentType: object.contentType }));
      }
    }
  } finally {
    s3.destroy();
  }
}

function readPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => reject(new Error(`s3rver did not start within 15 s: ${stderr}`)), 15_000);
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split('\n')[0];
      if (!stdout.includes('\n') || !line) return;
      clearTimeout(timer);
      try {
        resolve((JSON.parse(line) as { port: number }).port);
      } catch (error) {
        reject(new Error(`s3rver printed ${line}`, { cause: error }));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`s3rver exited with code ${code}: ${stderr}`));
    });
  });
}
