import { randomBytes } from 'node:crypto';
import { request, say, withBenchInstance } from './bench-instance';
import { ms, summarize } from './stats';

/**
 * `npm run bench:wopi`: latency of the WOPI host's three hot calls — CheckFileInfo, GetFile of a
 * 1 MiB document and PutFile of 1 MiB — at 16 connections, each on a document (and session) of
 * its own, against a throwaway instance with no editor configured (so no proof to verify: an
 * RSA-2048 verification adds some tens of µs). Prints figures; asserts nothing.
 */
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const SIZE = 1024 * 1024;

interface Target {
  wopiSrc: string;
  token: string;
}

type Call = (t: Target, body: Buffer) => Promise<Response>;

const url = (t: Target, path = '') => `${t.wopiSrc}${path}?access_token=${t.token}`;

const CALLS: Record<string, Call> = {
  CheckFileInfo: (t) => fetch(url(t)),
  'GetFile (1 MiB)': (t) => fetch(url(t, '/contents')),
  'PutFile (1 MiB)': (t, body) =>
    fetch(url(t, '/contents'), {
      method: 'POST',
      headers: { 'x-wopi-override': 'PUT', 'x-wopi-lock': 'bench', 'content-type': 'application/octet-stream' },
      body,
    }),
};

async function run(call: Call, targets: Target[], body: Buffer, seconds: number): Promise<number[]> {
  const latencies: number[] = [];
  const until = performance.now() + seconds * 1000;
  await Promise.all(
    targets.map(async (target) => {
      while (performance.now() < until) {
        const started = performance.now();
        const res = await call(target, body);
        await res.arrayBuffer();
        if (!res.ok) throw new Error(`WOPI call answered ${res.status}`);
        latencies.push(performance.now() - started);
      }
    }),
  );
  return latencies;
}

async function main(): Promise<void> {
  await withBenchInstance('benchwopi', {}, async ({ base, apiKey }) => {
    const content = randomBytes(SIZE);
    const targets: Target[] = [];
    for (let i = 0; i < CONNECTIONS; i++) {
      const s = (await request('POST', `${base}/v1/documents`, apiKey, {
        content_base64: content.toString('base64'),
        document: { name: `bench-${i}.docx` },
      })) as { document_id: string; document_url: string };
      const target = { wopiSrc: `${base}/wopi/files/${s.document_id}`, token: s.document_url.split('/').pop()! };
      await fetch(target.wopiSrc.replace(/\/wopi\/files\/.*/, `/s/${target.token}`)); // the page loads first
      const lock = await fetch(url(target), {
        method: 'POST',
        headers: { 'x-wopi-override': 'LOCK', 'x-wopi-lock': 'bench' },
      });
      if (!lock.ok) throw new Error(`LOCK answered ${lock.status}`);
      targets.push(target);
    }
    say(
      `\nWOPI latency: ${CONNECTIONS} connections, one document each, ${SECONDS} s per call after ${WARMUP_SECONDS} s warm-up`,
    );
    for (const [name, call] of Object.entries(CALLS)) {
      await run(call, targets, content, WARMUP_SECONDS);
      const latencies = await run(call, targets, content, SECONDS);
      const s = summarize(latencies);
      say(
        `  ${name.padEnd(16)} p50 ${ms(s.p50)}, p99 ${ms(s.p99)}, max ${ms(s.max)} (${(s.n / SECONDS).toFixed(0)} calls/s)`,
      );
    }
  });
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
