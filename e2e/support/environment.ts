import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Ports the test run's services listen on, all free when chosen. */
export interface TestPorts {
  gateway: number;
  session: number;
  metering: number;
  worker: number;
  /** A second gateway that may import URLs from loopback addresses. */
  openGateway: number;
}

export interface TestEnvironment {
  runId: string;
  env: NodeJS.ProcessEnv;
  ports: TestPorts;
  dataDir: string;
  adminToken: string;
}

export const MAX_UPLOAD_BYTES = 256 * 1024;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * A fresh environment for one test run: its own database, Redis key prefix, queue and
 * exchange names and data directory, so runs never touch each other or a running
 * instance on the same servers.
 */
export async function newTestEnvironment(prefix = 'e2e'): Promise<TestEnvironment> {
  const runId = `${prefix}_${randomBytes(4).toString('hex')}`;
  const ports: TestPorts = {
    gateway: await freePort(),
    session: await freePort(),
    metering: await freePort(),
    worker: await freePort(),
    openGateway: await freePort(),
  };
  const dataDir = mkdtempSync(join(tmpdir(), `docsession-${runId}-`));
  const adminToken = randomBytes(24).toString('base64url');
  const pg = new URL(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  pg.pathname = `/docsession_${runId}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'test',
    DATABASE_URL: pg.toString(),
    REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0',
    AMQP_URL: process.env.TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
    NAMESPACE: runId,
    DATA_DIR: dataDir,
    SECRET_KEY: randomBytes(32).toString('base64url'),
    ADMIN_TOKEN: adminToken,
    PUBLIC_URL: `http://127.0.0.1:${ports.gateway}`,
    HOST: '127.0.0.1',
    PORT: String(ports.gateway),
    SESSION_PORT: String(ports.session),
    METERING_PORT: String(ports.metering),
    WORKER_PORT: String(ports.worker),
    MAX_UPLOAD_BYTES: String(MAX_UPLOAD_BYTES),
    URL_IMPORT_TIMEOUT_MS: '3000',
    LOG_LEVEL: 'warn',
  };
  return { runId, env, ports, dataDir, adminToken };
}
