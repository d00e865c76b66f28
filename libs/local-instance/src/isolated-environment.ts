import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Ports an instance's processes listen on, all free when chosen. */
export interface InstancePorts {
  gateway: number;
  session: number;
  metering: number;
  worker: number;
  /** For an extra process (a second gateway, say). */
  spare: number;
}

export interface IsolatedEnvironment {
  runId: string;
  env: NodeJS.ProcessEnv;
  ports: InstancePorts;
  dataDir: string;
  adminToken: string;
}

/** A port nothing listens on at the moment it is chosen. */
export async function freePort(): Promise<number> {
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
 * The environment of a throwaway instance on the machine's servers: its own database,
 * Redis key prefix, queue and exchange names, data directory and ports, so that it
 * never touches another instance (a test run beside a running one, say).
 * `removeIsolatedResources` takes it all away again.
 */
export async function newIsolatedEnvironment(
  prefix: string,
  settings: NodeJS.ProcessEnv = {},
): Promise<IsolatedEnvironment> {
  const runId = `${prefix}_${randomBytes(4).toString('hex')}`;
  const ports: InstancePorts = {
    gateway: await freePort(),
    session: await freePort(),
    metering: await freePort(),
    worker: await freePort(),
    spare: await freePort(),
  };
  const dataDir = mkdtempSync(join(tmpdir(), `docsession-${runId}-`));
  const adminToken = randomBytes(24).toString('base64url');
  const database = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/docsession');
  database.pathname = `/docsession_${runId}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: database.toString(),
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
    ...settings,
  };
  return { runId, env, ports, dataDir, adminToken };
}
