import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** s3rver's fixed credentials. */
const ACCESS_KEY = 'S3RVER';
const LISTENING = /S3rver listening on [^:]+:(\d+)/;

export interface LocalS3Server {
  endpoint: string;
  bucket: string;
  /** The settings that point an instance's blob store at this server. */
  settings: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

/**
 * A real S3-compatible server for tests and benchmarks: s3rver (a development dependency) as a
 * child process, on a port of its own, keeping its objects in a temporary directory that `stop`
 * removes. It implements objects, listings, copies and multipart uploads — not the listing or
 * aborting of incomplete multipart uploads.
 */
export async function startS3Server(bucket = 'docsession', startTimeoutMs = 15_000): Promise<LocalS3Server> {
  const dir = mkdtempSync(join(tmpdir(), 'docsession-s3-'));
  const child = spawn(
    process.execPath,
    [
      // s3rver encrypts listing continuation tokens with DES, which OpenSSL 3 keeps in its legacy
      // provider: without it, any listing longer than one page fails with InternalError.
      '--openssl-legacy-provider',
      require.resolve('s3rver/bin/s3rver.js'),
      '-d',
      dir,
      '-a',
      '127.0.0.1',
      '-p',
      '0',
      '--silent',
      '--configure-bucket',
      bucket,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const stop = async () => {
    await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const port = await listeningPort(child, startTimeoutMs);
    const endpoint = `http://127.0.0.1:${port}`;
    const settings: NodeJS.ProcessEnv = {
      BLOB_STORE: 's3',
      S3_ENDPOINT: endpoint,
      S3_REGION: 'us-east-1',
      S3_BUCKET: bucket,
      S3_ACCESS_KEY_ID: ACCESS_KEY,
      S3_SECRET_ACCESS_KEY: ACCESS_KEY,
      S3_FORCE_PATH_STYLE: 'true',
    };
    return { endpoint, bucket, settings, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function listeningPort(child: ChildProcess, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const output: string[] = [];
    const timer = setTimeout(() => reject(new Error(`s3rver did not start within ${timeoutMs} ms`)), timeoutMs);
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`s3rver exited with code ${code}: ${output.join('\n')}`));
    };
    child.once('exit', onExit);
    createInterface({ input: child.stderr! }).on('line', (line) => output.push(line));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const port = LISTENING.exec(line)?.[1];
      if (!port) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      resolve(Number(port));
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}
