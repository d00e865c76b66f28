import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import {
  defaultProcesses,
  LocalSystem,
  newIsolatedEnvironment,
  removeIsolatedResources,
  type IsolatedEnvironment,
} from '@docsession/local-instance';
import { parseConfig } from '@docsession/platform';
import { benchBlobStore, benchRateLimitSettings } from './bench-instance';
import { CpuAccount } from './cpu';
import { memoryOf } from './memory';
import { driveOpens, jsonOpen, type LoadResult, type LoadSettings } from './open-load';
import { ms, summarize } from './stats';

/**
 * `npm run bench`: the open path, measured the project's way (see open-load.ts) against a
 * hand-written minimum doing the same durable work (reference-open-server.ts), both on this
 * machine's servers in a throwaway namespace. Prints opens/s of each and their ratio, the
 * latency of sequential opens, and each service's memory. Asserts nothing.
 *
 * Settings: BENCH_CONNECTIONS (64), BENCH_WARMUP_SECONDS (5), BENCH_SECONDS (20),
 * BENCH_SEQUENTIAL (200), BENCH_REFERENCE (1; 0 skips the yardstick), BENCH_BLOB_STORE (local;
 * s3: the instance keeps documents in an s3rver started for the run — the reference always
 * writes files under DATA_DIR, so the ratio then shows what S3 costs), BENCH_RATE_LIMIT (on:
 * every request counted with budgets the load never reaches; off: no limiter). Any service
 * setting in the environment (RATE_LIMIT_PER_SECOND, LOG_FORMAT…) reaches the instance under test.
 * BENCH_PROFILE=gateway,session writes those services' V8 CPU profiles (.cpuprofile, for Chrome's
 * DevTools) to BENCH_PROFILE_DIR (./bench-profiles) when they stop.
 */
const LOAD: LoadSettings = {
  connections: Number(process.env.BENCH_CONNECTIONS ?? 64),
  warmupSeconds: Number(process.env.BENCH_WARMUP_SECONDS ?? 5),
  measuredSeconds: Number(process.env.BENCH_SECONDS ?? 20),
};
const SEQUENTIAL = Number(process.env.BENCH_SEQUENTIAL ?? 200);
const WITH_REFERENCE = process.env.BENCH_REFERENCE !== '0';
/** Services to run under V8's CPU profiler (comma-separated app names); profiles land in BENCH_PROFILE_DIR. */
const PROFILED = new Set((process.env.BENCH_PROFILE ?? '').split(',').filter(Boolean));
const PROFILE_DIR = process.env.BENCH_PROFILE_DIR ?? join(process.cwd(), 'bench-profiles');

const say = (line = '') => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const store = await benchBlobStore();
  say(`Blob store of the instance under test: ${store.description}`);
  try {
    await measure(store.settings);
  } finally {
    await store.stop();
  }
}

async function measure(blobStoreSettings: NodeJS.ProcessEnv): Promise<void> {
  const limits = benchRateLimitSettings();
  say(`Rate limits of the instance under test: ${limits.description}`);
  const t = await newIsolatedEnvironment('bench', {
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    ...blobStoreSettings,
    ...limits.settings,
  });
  say(
    `Load: ${LOAD.connections} keep-alive connections, closed loop, JSON with 4 KiB content_base64, ` +
      `a fresh Idempotency-Key per request; ${LOAD.warmupSeconds} s warm-up, ${LOAD.measuredSeconds} s measured`,
  );
  const system = new LocalSystem(t.env, (name, line) => say(`  [${name}] ${line}`));
  try {
    await system.migrate();
    const reference = WITH_REFERENCE ? await measureReference(t) : null;
    await system.start(
      defaultProcesses(t.ports).map((spec) =>
        PROFILED.has(spec.app) ? { ...spec, nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] } : spec,
      ),
    );
    await measureSystem(t, system, reference);
  } finally {
    await system.stop();
    await removeIsolatedResources(t.env);
  }
}

async function measureReference(t: IsolatedEnvironment): Promise<LoadResult> {
  const apiKey = randomBytes(24).toString('base64url');
  const child = spawn(process.execPath, [join(__dirname, 'reference-open-server.js')], {
    // The instance's own servers and names, defaults resolved as the services resolve them.
    env: { ...t.env, ...serverSettings(t.env), PORT: String(t.ports.spare), REFERENCE_API_KEY: apiKey },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    await new Promise<void>((resolve, reject) => {
      createInterface({ input: child.stdout! }).on('line', (line) => line === 'reference ready' && resolve());
      child.once('exit', (code) => reject(new Error(`the reference server exited with code ${code}`)));
    });
    const cpu = new CpuAccount(new Map([['reference', child.pid!]]));
    const result = await driveOpens(t.ports.spare, jsonOpen(apiKey), { ...LOAD, window: windowOf(cpu) });
    say('\nReference (hand-written minimum, one process, no framework):');
    report(result);
    reportCpu(cpu, result);
    return result;
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
}

function serverSettings(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { DATABASE_URL, REDIS_URL, AMQP_URL, NAMESPACE, DATA_DIR } = parseConfig(env);
  return { DATABASE_URL, REDIS_URL, AMQP_URL, NAMESPACE, DATA_DIR };
}

async function measureSystem(t: IsolatedEnvironment, system: LocalSystem, reference: LoadResult | null) {
  const base = `http://127.0.0.1:${t.ports.gateway}`;
  const tenant = (await post(`${base}/v1/admin/tenants`, t.adminToken, {
    name: 'bench',
    usage_limit: 100_000_000,
  })) as { api_key: string };
  const key = tenant.api_key;
  const next = jsonOpen(key);

  say(`\nSequential: ${SEQUENTIAL} opens, one at a time`);
  const latencies: number[] = [];
  for (let i = 0; i < SEQUENTIAL; i++) {
    const { path, headers, body } = next();
    const started = performance.now();
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { ...headers, 'idempotency-key': randomBytes(16).toString('hex') },
      body,
    });
    await res.arrayBuffer();
    if (res.status !== 201) throw new Error(`open answered ${res.status}`);
    latencies.push(performance.now() - started);
  }
  const seq = summarize(latencies);
  say(`  p50 ${ms(seq.p50)}  p90 ${ms(seq.p90)}  p99 ${ms(seq.p99)}  max ${ms(seq.max)}`);
  printMemory(system, 'after the sequential opens');

  const cpu = new CpuAccount(new Map(system.processes.map((p) => [p.spec.name, p.child.pid!])));
  const result = await driveOpens(t.ports.gateway, next, { ...LOAD, window: windowOf(cpu) });
  say('\ndocsession (gateway, session, metering, worker):');
  report(result);
  reportCpu(cpu, result);
  if (reference) say(`  ratio to the reference: ${(result.opensPerSecond / reference.opensPerSecond).toFixed(2)} ×`);

  const catchUpStarted = performance.now();
  for (;;) {
    const res = await fetch(`${base}/v1/usage`, { headers: { authorization: `Bearer ${key}` } });
    const usage = (await res.json()) as { total_usage: number };
    // Everything answered 201 is billed; the driver's warm-up and cut-off answers count too.
    if (usage.total_usage >= SEQUENTIAL + result.opens) break;
    if (performance.now() - catchUpStarted > 120_000) throw new Error(`usage stuck at ${usage.total_usage}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  say(`  metering caught up ${((performance.now() - catchUpStarted) / 1000).toFixed(1)} s after the load ended`);
  printMemory(system, 'after the load');
}

function report(r: LoadResult): void {
  say(`  ${r.opensPerSecond.toFixed(0)} opens/s (${r.opens} answered 201 in the measured window)`);
  say(`  p50 ${ms(r.latency.p50)}  p90 ${ms(r.latency.p90)}  p99 ${ms(r.latency.p99)}  max ${ms(r.latency.max)}`);
  if (r.failures.size)
    say(`  other answers by status (0 = network error): ${JSON.stringify(Object.fromEntries(r.failures))}`);
}

const windowOf = (cpu: CpuAccount) => ({ opened: () => cpu.start(), closed: () => cpu.stop() });

/** CPU per open of our own processes (PostgreSQL, Redis and RabbitMQ are shared, so not counted). */
function reportCpu(cpu: CpuAccount, r: LoadResult): void {
  const rows = cpu.perUnit(r.opens);
  say(`  CPU per open: ${rows.map((row) => `${row.name} ${row.ms.toFixed(2)} ms`).join(', ')}`);
}

function printMemory(system: LocalSystem, when: string): void {
  say(`\nMemory ${when} (RSS / peak RSS):`);
  for (const p of system.processes) {
    const m = memoryOf(p.child.pid!);
    say(`  ${p.spec.name.padEnd(9)} ${m.rssMiB.toFixed(0)} MiB / ${m.peakMiB.toFixed(0)} MiB`);
  }
}

async function post(url: string, token: string, body: unknown): Promise<unknown> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${url} answered ${res.status}: ${await res.text()}`);
  return res.json();
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
