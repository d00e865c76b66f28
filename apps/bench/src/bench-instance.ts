import {
  defaultProcesses,
  LocalSystem,
  newIsolatedEnvironment,
  removeIsolatedResources,
  type IsolatedEnvironment,
} from '@docsession/local-instance';
import { Client } from 'pg';

export const say = (line = '') => process.stdout.write(`${line}\n`);

export interface BenchInstance {
  t: IsolatedEnvironment;
  system: LocalSystem;
  base: string;
  apiKey: string;
  tenantId: string;
}

/** A throwaway instance on this machine's servers with one tenant; removed again after `run`. */
export async function withBenchInstance(
  prefix: string,
  settings: NodeJS.ProcessEnv,
  run: (b: BenchInstance) => Promise<void>,
) {
  const t = await newIsolatedEnvironment(prefix, { LOG_LEVEL: 'warn', ...settings });
  const system = new LocalSystem(t.env, (name, line) => say(`  [${name}] ${line}`));
  try {
    await system.migrate();
    await system.start(defaultProcesses(t.ports));
    const base = `http://127.0.0.1:${t.ports.gateway}`;
    const tenant = (await request('POST', `${base}/v1/admin/tenants`, t.adminToken, {
      name: 'bench',
      usage_limit: 10_000_000,
    })) as { api_key: string; tenant_id: string };
    await run({ t, system, base, apiKey: tenant.api_key, tenantId: tenant.tenant_id });
  } finally {
    await system.stop();
    await removeIsolatedResources(t.env);
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
