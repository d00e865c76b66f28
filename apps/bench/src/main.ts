import {
  defaultProcesses,
  LocalSystem,
  newIsolatedEnvironment,
  removeIsolatedResources,
} from '@docsession/local-instance';
import { memoryOf } from './memory';
import { ms, summarize } from './stats';

/**
 * `npm run bench`: starts a throwaway instance on this machine's servers and measures
 * the open path — latency of sequential opens, throughput under concurrent load, how
 * long the consumers take to catch up, and each service's memory. Prints figures; it
 * asserts nothing.
 */
const SEQUENTIAL = Number(process.env.BENCH_SEQUENTIAL ?? 200);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const LOAD_SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const DOCUMENT = Buffer.alloc(1024, 'a').toString('base64');

const say = (line = '') => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const t = await newIsolatedEnvironment('bench', { LOG_LEVEL: 'warn' });
  const system = new LocalSystem(t.env, (name, line) => say(`  [${name}] ${line}`));
  try {
    await system.migrate();
    await system.start(defaultProcesses(t.ports));
    const base = `http://127.0.0.1:${t.ports.gateway}`;
    const tenant = await post(`${base}/v1/admin/tenants`, t.adminToken, { name: 'bench', usage_limit: 10_000_000 });
    const key = (tenant as { api_key: string }).api_key;
    const open = () =>
      fetch(`${base}/v1/documents`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: `{"content_base64":"${DOCUMENT}","document":{"name":"bench.txt"}}`,
      });

    for (let i = 0; i < 20; i++) await (await open()).arrayBuffer(); // warm-up

    say(`\nSequential: ${SEQUENTIAL} opens, one at a time (1 KiB document, JSON body)`);
    const latencies: number[] = [];
    for (let i = 0; i < SEQUENTIAL; i++) {
      const started = performance.now();
      const res = await open();
      await res.arrayBuffer();
      if (res.status !== 201) throw new Error(`open answered ${res.status}`);
      latencies.push(performance.now() - started);
    }
    const seq = summarize(latencies);
    say(`  p50 ${ms(seq.p50)}  p90 ${ms(seq.p90)}  p99 ${ms(seq.p99)}  max ${ms(seq.max)}`);

    say('\nMemory after the sequential opens (RSS / peak RSS):');
    for (const p of system.processes) {
      const m = memoryOf(p.child.pid!);
      say(`  ${p.spec.name.padEnd(9)} ${m.rssMiB.toFixed(0)} MiB / ${m.peakMiB.toFixed(0)} MiB`);
    }

    say(`\nConcurrent: ${CONNECTIONS} connections for ${LOAD_SECONDS} s`);
    const loadLatencies: number[] = [];
    const failures = new Map<number, number>();
    const until = performance.now() + LOAD_SECONDS * 1000;
    const loadStarted = performance.now();
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (performance.now() < until) {
          const started = performance.now();
          const res = await open();
          await res.arrayBuffer();
          if (res.status === 201) loadLatencies.push(performance.now() - started);
          else failures.set(res.status, (failures.get(res.status) ?? 0) + 1);
        }
      }),
    );
    const elapsed = (performance.now() - loadStarted) / 1000;
    const load = summarize(loadLatencies);
    say(`  ${(load.n / elapsed).toFixed(0)} opens/s (${load.n} in ${elapsed.toFixed(1)} s)`);
    say(`  p50 ${ms(load.p50)}  p90 ${ms(load.p90)}  p99 ${ms(load.p99)}  max ${ms(load.max)}`);
    if (failures.size) say(`  failures by status: ${JSON.stringify(Object.fromEntries(failures))}`);

    const expected = 20 + SEQUENTIAL + load.n;
    const catchUpStarted = performance.now();
    for (;;) {
      const usage = (await (
        await fetch(`${base}/v1/usage`, { headers: { authorization: `Bearer ${key}` } })
      ).json()) as {
        total_usage: number;
      };
      if (usage.total_usage >= expected) break;
      if (performance.now() - catchUpStarted > 120_000)
        throw new Error(`usage stuck at ${usage.total_usage}/${expected}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    say(`  metering caught up ${((performance.now() - catchUpStarted) / 1000).toFixed(1)} s after the load ended`);

    say('\nMemory after the load (RSS / peak RSS):');
    for (const p of system.processes) {
      const m = memoryOf(p.child.pid!);
      say(`  ${p.spec.name.padEnd(9)} ${m.rssMiB.toFixed(0)} MiB / ${m.peakMiB.toFixed(0)} MiB`);
    }
  } finally {
    await system.stop();
    await removeIsolatedResources(t.env);
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
