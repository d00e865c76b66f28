import {
  defaultProcesses,
  LocalSystem,
  newIsolatedEnvironment,
  removeIsolatedResources,
  startS3Server,
  type IsolatedEnvironment,
} from '@docsession/local-instance';
import { parseConfig } from '@docsession/platform';
import { blobStoreFor, type BlobStore } from '@docsession/storage';
import { Client } from 'pg';

export const say = (line = '') => process.stdout.write(`${line}\n`);

export interface BenchInstance {
  t: IsolatedEnvironment;
  system: LocalSystem;
  base: string;
  apiKey: string;
  tenantId: string;
  /** The instance's blob store, as its services see it. */
  blobs: BlobStore;
}

export interface BenchBlobStore {
  description: string;
  /** The settings that give the instance under test this store. */
  settings: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

/**
 * The blob store of the instance under test, as BENCH_BLOB_STORE says: `local` (default: files
 * under its DATA_DIR) or `s3` (an s3rver started on this machine for the run, removed after).
 */
export async function benchBlobStore(): Promise<BenchBlobStore> {
  const kind = process.env.BENCH_BLOB_STORE ?? 'local';
  if (kind === 'local') {
    return { description: 'local (files under DATA_DIR)', settings: { BLOB_STORE: 'local' }, stop: async () => {} };
  }
  if (kind !== 's3') throw new Error(`BENCH_BLOB_STORE must be local or s3, not ${JSON.stringify(kind)}`);
  const server = await startS3Server('bench');
  return {
    description: `s3 (s3rver on this machine, ${server.endpoint})`,
    settings: { ...server.settings, S3_PREFIX: 'bench/' },
    stop: () => server.stop(),
  };
}

const RATE_LIMIT_SETTINGS = [
  'RATE_LIMIT_PER_SECOND',
  'RATE_LIMIT_BURST',
  'RATE_LIMIT_PER_ADDRESS_PER_SECOND',
  'RATE_LIMIT_PER_ADDRESS_BURST',
] as const;
/** Budgets far beyond what one machine serves: every request is counted, none is refused. */
const UNREACHED_BUDGET = '1000000';

/**
 * The rate limits of the instance under test, as BENCH_RATE_LIMIT says: `on` (default) counts
 * every request in Redis as in production, with budgets the load never reaches; `off` turns
 * the limiter off, to see what counting costs. A RATE_LIMIT_* setting in the environment wins.
 */
export function benchRateLimitSettings(): { description: string; settings: NodeJS.ProcessEnv } {
  const mode = process.env.BENCH_RATE_LIMIT ?? 'on';
  if (mode !== 'on' && mode !== 'off')
    throw new Error(`BENCH_RATE_LIMIT must be on or off, not ${JSON.stringify(mode)}`);
  const settings: NodeJS.ProcessEnv = {};
  for (const name of RATE_LIMIT_SETTINGS) {
    settings[name] = process.env[name] ?? (mode === 'off' && name.endsWith('PER_SECOND') ? '0' : UNREACHED_BUDGET);
  }
  const counted = settings.RATE_LIMIT_PER_SECOND !== '0' || settings.RATE_LIMIT_PER_ADDRESS_PER_SECOND !== '0';
  return { description: counted ? 'on (every request counted in Redis)' : 'off', settings };
}

/**
 * A throwaway instance on this machine's servers with one tenant, on the blob store
 * BENCH_BLOB_STORE names; removed again after `run`.
 */
export async function withBenchInstance(
  prefix: string,
  settings: NodeJS.ProcessEnv,
  run: (b: BenchInstance) => Promise<void>,
) {
  const store = await benchBlobStore();
  const limits = benchRateLimitSettings();
  say(`Blob store: ${store.description}; rate limits: ${limits.description}`);
  try {
    const t = await newIsolatedEnvironment(prefix, {
      LOG_LEVEL: 'warn',
      ...store.settings,
      ...limits.settings,
      ...settings,
    });
    const system = new LocalSystem(t.env, (name, line) => say(`  [${name}] ${line}`));
    const blobs = blobStoreFor(parseConfig(t.env));
    try {
      await system.migrate();
      await system.start(defaultProcesses(t.ports));
      const base = `http://127.0.0.1:${t.ports.gateway}`;
      const tenant = (await request('POST', `${base}/v1/admin/tenants`, t.adminToken, {
        name: 'bench',
        usage_limit: 10_000_000,
      })) as { api_key: string; tenant_id: string };
      await run({ t, system, base, apiKey: tenant.api_key, tenantId: tenant.tenant_id, blobs });
    } finally {
      blobs.close();
      await system.stop();
      await removeIsolatedResources(t.env);
    }
  } finally {
    await store.stop();
  }
}

export async function request(method: string, url: string, token: string, body?: unknown): Promise<unknown> {
  const res = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${url} answered ${res.status}: ${await res.text()}`);
  return res.json();
}

export async function withDatabase<T>(databaseUrl: string, run: (db: Client) => Promise<T>): Promise<T> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    return await run(db);
  } finally {
    await db.end();
  }
}
