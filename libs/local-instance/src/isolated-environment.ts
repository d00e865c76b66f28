import { randomBytes, randomInt } from 'node:crypto';
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

/**
 * Ports are picked below Linux's default ephemeral range (32768–60999): a port the kernel
 * handed out there could, between the pick and the service's listen, become the source
 * port of one of the machine's many outgoing connections (EADDRINUSE at start).
 */
const PORT_RANGE = { first: 20_000, last: 32_767 };

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Ports this process handed out already: a service may not have taken its own yet. */
const handedOut = new Set<number>();

/** A port nothing listens on at the moment it is chosen, outside the ephemeral range. */
export async function freePort(): Promise<number> {
  for (let tries = 0; tries < 100; tries++) {
    const port = PORT_RANGE.first + randomInt(PORT_RANGE.last - PORT_RANGE.first + 1);
    if (handedOut.has(port) || !(await isFree(port))) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error(`no free port in ${PORT_RANGE.first}–${PORT_RANGE.last} after 100 tries`);
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
