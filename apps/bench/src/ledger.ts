import {
  entryOf,
  LocalSystem,
  newIsolatedEnvironment,
  removeIsolatedResources,
  type IsolatedEnvironment,
  type ProcessSpec,
} from '@docsession/local-instance';
import { busNames } from '@docsession/platform';
import * as amqp from 'amqplib';
import { spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { memoryOf } from './memory';

/**
 * `npm run bench:ledger`: the metering side of billing, on a throwaway instance.
 * 1. Ingest: BENCH_LEDGER_EVENTS (100,000) `session.created` events wait in the metering
 *    service's queue while it is stopped; then it starts, and the drain is timed until
 *    the ledger holds them all.
 * 2. Export: ledgers of 100,000 and BENCH_EXPORT_ROWS (1,000,000) rows, made directly
 *    with generate_series, exported by the CLI (peak RSS of that process, sampled from
 *    /proc) and through the gateway's HTTP export (its peak RSS before and after).
 * BENCH_LEDGER_PART=ingest|export runs one half. Prints figures; asserts nothing.
 */
const EVENTS = Number(process.env.BENCH_LEDGER_EVENTS ?? 100_000);
const EXPORT_ROWS = Number(process.env.BENCH_EXPORT_ROWS ?? 1_000_000);
/** `ingest`, `export` or both (default). */
const PART = process.env.BENCH_LEDGER_PART ?? 'all';
const TENANTS = 100;
const EXPORT_PERIOD = '2026-10';

const say = (line = '') => process.stdout.write(`${line}\n`);
const mib = (n: number) => `${n.toFixed(0)} MiB`;

async function main(): Promise<void> {
  const t = await newIsolatedEnvironment('benchledger', { LOG_LEVEL: 'warn' });
  const system = new LocalSystem(t.env, (name, line) => say(`  [${name}] ${line}`));
  const db = new Client({ connectionString: t.env.DATABASE_URL });
  try {
    await system.migrate();
    await db.connect();
    if (PART !== 'export') await ingest(t, system, db);
    if (PART !== 'ingest') await exportMemory(t, system, db);
  } finally {
    await db.end().catch(() => undefined);
    await system.stop();
    await removeIsolatedResources(t.env);
  }
}

async function ingest(t: IsolatedEnvironment, system: LocalSystem, db: Client): Promise<void> {
  const metering: ProcessSpec = { name: 'metering', app: 'metering', port: t.ports.metering };
  // Started once so that its durable queue exists and is bound, then stopped.
  await system.start([metering]);
  await system.stopProcess(system.find('metering'));

  say(`\nLedger ingest: ${EVENTS.toLocaleString('en-US')} session.created events queued for ${TENANTS} tenants`);
  const names = busNames({ NAMESPACE: t.env.NAMESPACE! });
  const connection = await amqp.connect(t.env.AMQP_URL!);
  try {
    const channel = await connection.createConfirmChannel();
    const tenants = Array.from({ length: TENANTS }, () => randomUUID());
    const started = performance.now();
    for (let i = 0; i < EVENTS; i++) {
      const event = syntheticEvent(tenants[i % TENANTS], new Date(Date.now() - (i % 1000) * 1000).toISOString());
      channel.publish(
        names.eventExchange,
        'session.created',
        Buffer.from(JSON.stringify({ pattern: 'session.created', data: event })),
        {
          persistent: true,
          contentType: 'application/json',
        },
      );
      if (i % 5_000 === 4_999) await channel.waitForConfirms();
    }
    await channel.waitForConfirms();
    const queued = (await channel.checkQueue(names.eventQueue('metering'))).messageCount;
    say(
      `  published and confirmed in ${((performance.now() - started) / 1000).toFixed(1)} s; ${queued.toLocaleString('en-US')} waiting`,
    );
    await channel.close();
  } finally {
    await connection.close();
  }

  const launched = performance.now();
  const running = system.launch(metering);
  await system.waitReady(metering, 60_000);
  const ready = performance.now();
  let peak = 0;
  for (;;) {
    peak = Math.max(peak, memoryOf(running.child.pid!).peakMiB);
    const { rows } = await db.query<{ n: string | null }>('SELECT sum(total) AS n FROM metering.usage_counters');
    if (Number(rows[0].n ?? 0) >= EVENTS) break;
    if (performance.now() - launched > 600_000) throw new Error(`ledger stuck at ${rows[0].n}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const done = performance.now();
  const { rows } = await db.query<{ n: string }>('SELECT count(*) AS n FROM metering.billable_calls');
  say(
    `  drained in ${((done - ready) / 1000).toFixed(1)} s after the service was ready (${((done - launched) / 1000).toFixed(1)} s after launch)`,
  );
  say(
    `  ${Math.round(EVENTS / ((done - ready) / 1000)).toLocaleString('en-US')} events/s from ready, ${Math.round(EVENTS / ((done - launched) / 1000)).toLocaleString('en-US')} events/s from launch`,
  );
  say(`  ledger rows ${Number(rows[0].n).toLocaleString('en-US')}; metering peak RSS ${mib(peak)}`);
}

async function exportMemory(t: IsolatedEnvironment, system: LocalSystem, db: Client): Promise<void> {
  const meteringUp = system.processes.some(
    (p) => p.spec.app === 'metering' && p.child.exitCode === null && !p.child.signalCode,
  );
  await system.start([
    { name: 'gateway', app: 'gateway', port: t.ports.gateway },
    // Tenant creation asks metering for the plan.
    ...(meteringUp ? [] : [{ name: 'metering', app: 'metering' as const, port: t.ports.metering }]),
  ]);
  const base = `http://127.0.0.1:${t.ports.gateway}`;
  const created = await fetch(`${base}/v1/admin/tenants`, {
    method: 'POST',
    headers: { authorization: `Bearer ${t.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'bench-export' }),
  });
  if (!created.ok) throw new Error(`tenant creation answered ${created.status}`);
  const big = (await created.json()) as { tenant_id: string; api_key: string };
  const small = randomUUID();

  say(`\nExport memory: ledgers of 100,000 and ${EXPORT_ROWS.toLocaleString('en-US')} rows in ${EXPORT_PERIOD}`);
  const filled = performance.now();
  await fillLedger(db, small, 100_000);
  await fillLedger(db, big.tenant_id, EXPORT_ROWS);
  await db.query('ANALYZE metering.billable_calls');
  say(`  rows inserted with generate_series in ${((performance.now() - filled) / 1000).toFixed(1)} s`);

  const runs: { tenant: string; rows: number; nodeArgs: string[] }[] = [
    { tenant: small, rows: 100_000, nodeArgs: [] },
    { tenant: big.tenant_id, rows: EXPORT_ROWS, nodeArgs: [] },
    // The same with V8's heap capped: it must still finish, if memory is flat in the rows.
    { tenant: big.tenant_id, rows: EXPORT_ROWS, nodeArgs: ['--max-old-space-size=64'] },
  ];
  for (const { tenant, rows, nodeArgs } of runs) {
    const out = join(tmpdir(), `bench-ledger-${randomUUID()}.csv`);
    const run = await cliExport(
      t.env,
      ['billing', 'export', '--period', EXPORT_PERIOD, '--tenant', tenant, '--out', out],
      nodeArgs,
    );
    const size = statSync(out).size;
    rmSync(out);
    say(
      `  CLI export of ${rows.toLocaleString('en-US')} rows${nodeArgs.length ? ` (${nodeArgs.join(' ')})` : ''}: ` +
        `${run.seconds.toFixed(1)} s (${Math.round(rows / run.seconds).toLocaleString('en-US')} rows/s, ` +
        `${(size / 2 ** 20).toFixed(0)} MiB of CSV), peak RSS ${mib(run.peakMiB)}, ` +
        `live heap after each full GC ${run.liveHeapMiB.length ? `${Math.min(...run.liveHeapMiB)}–${Math.max(...run.liveHeapMiB)} MB` : 'n/a (no full GC)'}`,
    );
  }

  const gateway = system.find('gateway').child.pid!;
  const before = memoryOf(gateway);
  const started = performance.now();
  const res = await fetch(`${base}/v1/usage/export?period=${EXPORT_PERIOD}&format=csv`, {
    headers: { authorization: `Bearer ${big.api_key}` },
  });
  const hash = createHash('sha256');
  let bytes = 0;
  let gatewayPeak = before.peakMiB;
  let sampledAt = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    hash.update(chunk);
    bytes += chunk.length;
    if (performance.now() - sampledAt > 50) {
      sampledAt = performance.now();
      gatewayPeak = Math.max(gatewayPeak, memoryOf(gateway).peakMiB);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const after = memoryOf(gateway);
  say(
    `  HTTP export of ${EXPORT_ROWS.toLocaleString('en-US')} rows through the gateway: ${seconds.toFixed(1)} s, ` +
      `${(bytes / 2 ** 20).toFixed(0)} MiB (status ${res.status}, sha256 ${hash.digest('hex').slice(0, 12)}…)`,
  );
  say(
    `  gateway RSS ${mib(before.rssMiB)} before, ${mib(after.rssMiB)} after; ` +
      `peak RSS ${mib(before.peakMiB)} before, ${mib(Math.max(gatewayPeak, after.peakMiB))} after`,
  );
}

async function fillLedger(db: Client, tenantId: string, rows: number): Promise<void> {
  // Spread over the month: the rows are sorted by time, and the times are unique.
  const stepMs = Math.floor((30 * 24 * 3600 * 1000) / rows);
  await db.query(
    `INSERT INTO metering.billable_calls (tenant_id, event_id, occurred_at, period_start, session_id, document_id, user_id, kind)
     SELECT $1, gen_random_uuid(), $2::timestamptz + i * ($3 || ' milliseconds')::interval, $4::date,
            gen_random_uuid(), gen_random_uuid(), 'user-' || (i % 1000), CASE WHEN i % 5 = 0 THEN 'join' ELSE 'open' END
     FROM generate_series(1, $5::int) AS i`,
    [tenantId, `${EXPORT_PERIOD}-01T00:00:00Z`, String(stepMs), `${EXPORT_PERIOD}-01`, rows],
  );
  await db.query(`INSERT INTO metering.usage_counters (tenant_id, period_start, total) VALUES ($1, $2, $3)`, [
    tenantId,
    `${EXPORT_PERIOD}-01`,
    rows,
  ]);
}

/**
 * Runs the CLI, sampling its peak RSS (VmHWM) until it exits, and reading from V8's
 * GC trace the live heap left after each full (mark-compact) collection.
 */
async function cliExport(
  env: NodeJS.ProcessEnv,
  args: string[],
  nodeArgs: string[],
): Promise<{ seconds: number; peakMiB: number; liveHeapMiB: number[] }> {
  const started = performance.now();
  const child = spawn(process.execPath, ['--trace-gc', ...nodeArgs, entryOf('cli'), ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let trace = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdout.on('data', (c: Buffer) => (trace += c.toString()));
  let peakMiB = 0;
  const timer = setInterval(() => {
    try {
      const sample = memoryOf(child.pid!).peakMiB;
      if (Number.isFinite(sample)) peakMiB = Math.max(peakMiB, sample); // a zombie has no VmHWM
    } catch {
      // exited between two samples
    }
  }, 20);
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  clearInterval(timer);
  if (code !== 0) throw new Error(`cli ${args.join(' ')} exited ${code}: ${stderr}`);
  const liveHeapMiB = [...trace.matchAll(/Mark-Compact [\d.]+ \([\d.]+\) -> ([\d.]+) \(/g)].map((m) => Number(m[1]));
  return { seconds: (performance.now() - started) / 1000, peakMiB, liveHeapMiB };
}

function syntheticEvent(tenantId: string, occurredAt: string) {
  const id = randomUUID();
  return {
    eventId: id,
    occurredAt,
    tenantId,
    kind: 'open',
    session: {
      sessionId: id,
      tokenHash: createHash('sha256').update(id).digest('hex'),
      mode: 'edit',
      user: { id: 'bench-user' },
      expiresAt: new Date(Date.parse(occurredAt) + 21_600_000).toISOString(),
      callback: null,
    },
    document: {
      documentId: randomUUID(),
      name: 'bench.txt',
      externalId: null,
      contentType: 'text/plain',
      sizeBytes: 1024,
      sha256: createHash('sha256').update('bench').digest('hex'),
      metadata: null,
    },
  };
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
