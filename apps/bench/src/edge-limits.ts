import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { say, withBenchInstance, type BenchInstance } from './bench-instance';
import { memoryOf } from './memory';
import { ms, percentile } from './stats';

/**
 * `npm run bench:edge`: what hostile or heavy bodies cost the gateway, on a throwaway instance.
 * - The time until a 20 MB body without valid credentials is answered (p50 of
 *   BENCH_REFUSALS tries), sent as fast as loopback takes it, and at BENCH_CLIENT_MBPS
 *   (10 MB/s: a client on an ordinary link), to `POST /s/<token>/heartbeat` and to
 *   `POST /v1/documents` with a wrong key. Refused on its headers, the answer comes before the
 *   body is sent; read first, it comes after.
 * - The gateway's peak RSS (VmHWM) over BENCH_OPENS (10) concurrent JSON opens of a
 *   BENCH_OPEN_MIB (50) MiB document in base64.
 * Prints figures; asserts nothing.
 */
const REFUSALS = Number(process.env.BENCH_REFUSALS ?? 20);
const CLIENT_MBPS = Number(process.env.BENCH_CLIENT_MBPS ?? 10);
const OPENS = Number(process.env.BENCH_OPENS ?? 10);
const OPEN_MIB = Number(process.env.BENCH_OPEN_MIB ?? 50);
const BODY_BYTES = 20 * 1000 * 1000;

/**
 * Sends `path` a body of BODY_BYTES (a JSON object with one long string), at `bytesPerSecond`
 * (Infinity: as fast as the socket takes it), and resolves with the milliseconds until the
 * first byte of the answer and its status. Stops sending once answered.
 */
function timeToAnswer(port: number, path: string, headers: Record<string, string>, bytesPerSecond: number) {
  return new Promise<{ ms: number; status: number }>((resolve) => {
    const started = performance.now();
    const socket = connect(port, '127.0.0.1');
    let answered = false;
    const head =
      `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${BODY_BYTES}\r\n` +
      Object.entries(headers)
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join('') +
      '\r\n';
    const prefix = Buffer.from('{"content_base64":"');
    const suffix = Buffer.from('"}');
    const chunk = Buffer.alloc(64 * 1024, 'A');
    let sent = 0;
    const total = BODY_BYTES;
    const send = () => {
      while (!answered && sent < total) {
        const elapsed = (performance.now() - started) / 1000;
        if (Number.isFinite(bytesPerSecond) && sent > elapsed * bytesPerSecond) {
          setTimeout(send, 5);
          return;
        }
        const remaining = total - sent;
        let piece: Buffer;
        if (sent === 0) piece = prefix;
        else if (remaining === suffix.length) piece = suffix;
        else piece = chunk.subarray(0, Math.min(chunk.length, remaining - suffix.length));
        sent += piece.length;
        if (!socket.write(piece)) {
          socket.once('drain', send);
          return;
        }
      }
    };
    socket.once('connect', () => {
      socket.write(head);
      send();
    });
    socket.once('data', (data) => {
      answered = true;
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(data.toString('latin1'))?.[1] ?? 0);
      resolve({ ms: performance.now() - started, status });
      socket.destroy();
    });
    // A gateway that answered early closes while the body is still being sent: writing then
    // fails (EPIPE, ECONNRESET) though its answer may still be in the socket to read.
    socket.on('error', () => undefined);
    // A refusal of a body being sent (413) closes the connection; with the rest of the body
    // unread, the client may see that reset before the answer: a refusal all the same (status 0).
    socket.once('close', () => {
      if (!answered) resolve({ ms: performance.now() - started, status: 0 });
      answered = true;
    });
  });
}

async function refusals(b: BenchInstance): Promise<void> {
  const port = Number(new URL(b.base).port);
  const token = randomBytes(32).toString('base64url');
  const targets: [string, string, Record<string, string>][] = [
    ['POST /s/<token>/heartbeat', `/s/${token}/heartbeat`, {}],
    ['POST /v1/documents, wrong key', '/v1/documents', { Authorization: 'Bearer dsk_wrong' }],
  ];
  for (const rate of [Infinity, CLIENT_MBPS * 1e6]) {
    for (const [label, path, headers] of targets) {
      const times: number[] = [];
      const statuses = new Set<number>();
      for (let i = 0; i < REFUSALS; i++) {
        const r = await timeToAnswer(port, path, headers, rate);
        times.push(r.ms);
        statuses.add(r.status);
      }
      times.sort((x, y) => x - y);
      const how = Number.isFinite(rate) ? `at ${CLIENT_MBPS} MB/s` : 'full speed';
      say(
        `  20 MB unauthenticated, ${how.padEnd(10)} ${label.padEnd(32)} p50 ${ms(percentile(times, 50))}, ` +
          `max ${ms(times[times.length - 1])}; answered ${[...statuses].map((x) => x || 'reset').join(', ')}`,
      );
    }
  }
}

async function concurrentOpens(b: BenchInstance): Promise<void> {
  const gateway = b.system.find('gateway').child.pid!;
  const content = Buffer.alloc(OPEN_MIB * 1024 * 1024, 'x');
  const body = JSON.stringify({ content_base64: content.toString('base64'), document: { name: 'big.txt' } });
  const before = memoryOf(gateway);
  let peak = before.peakMiB;
  const sampler = setInterval(() => (peak = Math.max(peak, memoryOf(gateway).peakMiB)), 50);
  const started = performance.now();
  const answers = await Promise.all(
    Array.from({ length: OPENS }, () =>
      fetch(`${b.base}/v1/documents`, {
        method: 'POST',
        headers: { authorization: `Bearer ${b.apiKey}`, 'content-type': 'application/json' },
        body,
      }).then(async (res) => {
        const opened = (await res.json()) as { document_id?: string };
        if (opened.document_id) {
          await fetch(`${b.base}/v1/documents/${opened.document_id}`, {
            method: 'DELETE',
            headers: { authorization: `Bearer ${b.apiKey}` },
          });
        }
        return res.status;
      }),
    ),
  );
  clearInterval(sampler);
  peak = Math.max(peak, memoryOf(gateway).peakMiB);
  say(
    `  ${OPENS} concurrent JSON opens of ${OPEN_MIB} MiB (${(body.length / 2 ** 20).toFixed(0)} MiB bodies): ` +
      `gateway RSS ${before.rssMiB.toFixed(0)} MiB before, peak ${peak.toFixed(0)} MiB; ` +
      `${((performance.now() - started) / 1000).toFixed(1)} s; answers ${answers.join(' ')}`,
  );
}

async function main(): Promise<void> {
  // Room for the 50 MiB documents, and a timeout no slow part of the run reaches.
  const settings = { MAX_UPLOAD_BYTES: String(Math.max(OPEN_MIB, 50) * 1024 * 1024) };
  await withBenchInstance('bench-edge', settings, async (b) => {
    say('Refusing bodies without valid credentials (time until the answer starts):');
    await refusals(b);
    say('Memory of base64 opens:');
    await concurrentOpens(b);
  });
}

main().catch((err: Error) => {
  process.stderr.write(`${err.stack ?? err.message}\n`);
  process.exit(1);
});
