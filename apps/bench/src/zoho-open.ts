import { say, withBenchInstance } from './bench-instance';
import { driveOpens, jsonOpen, type LoadResult, type LoadSettings, type OpenRequest } from './open-load';
import { ms } from './stats';

/**
 * `npm run bench:zoho`: opens/s through the Zoho Office Integrator routes against the same
 * opens through /v1, measured the project's way (open-load.ts: closed loop, keep-alive
 * connections, a fresh Idempotency-Key per request), one after another on one throwaway
 * instance. The same 3 KiB document goes as a /v1 JSON body, a /v1 multipart upload and a
 * Zoho Writer create (multipart `document` with `document_info` and `user_info`); a Zoho
 * create without content (a generated blank .docx) is measured too. Prints figures; asserts
 * nothing. Settings: BENCH_CONNECTIONS (64), BENCH_WARMUP_SECONDS (5), BENCH_SECONDS (20).
 */
const LOAD: LoadSettings = {
  connections: Number(process.env.BENCH_CONNECTIONS ?? 64),
  warmupSeconds: Number(process.env.BENCH_WARMUP_SECONDS ?? 5),
  measuredSeconds: Number(process.env.BENCH_SECONDS ?? 20),
};
const DOCUMENT = Buffer.alloc(3 * 1024, 'a');
const BOUNDARY = 'bench-boundary-7MA4YWxkTrZu0gW';

type Part = { name: string; value: string } | { name: string; filename: string; type: string; content: Buffer };

function multipart(parts: Part[]): Buffer {
  const chunks = parts.flatMap((p) =>
    'content' in p
      ? [
          `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${p.name}"; filename="${p.filename}"\r\n` +
            `Content-Type: ${p.type}\r\n\r\n`,
          p.content,
          '\r\n',
        ]
      : [`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${p.name}"\r\n\r\n${p.value}\r\n`],
  );
  return Buffer.concat([...chunks, `--${BOUNDARY}--\r\n`].map((c) => (typeof c === 'string' ? Buffer.from(c) : c)));
}

const MULTIPART = `multipart/form-data; boundary=${BOUNDARY}`;
const file = { filename: 'bench.txt', type: 'text/plain', content: DOCUMENT };

function v1Multipart(apiKey: string): () => OpenRequest {
  const body = multipart([
    { name: 'file', ...file },
    { name: 'options', value: '{"user":{"id":"u-1"}}' },
  ]);
  const headers = { authorization: `Bearer ${apiKey}`, 'content-type': MULTIPART };
  return () => ({ path: '/v1/documents', headers, body });
}

function zohoCreate(apiKey: string): () => OpenRequest {
  // As Zoho's Node SDK sends it: JSON text parts, then the document.
  const body = multipart([
    { name: 'user_info', value: '{"user_id":"u-1","display_name":"Bench"}' },
    { name: 'document_info', value: '{"document_name":"bench.txt"}' },
    { name: 'document', ...file },
  ]);
  const headers = { 'content-type': MULTIPART };
  const path = `/writer/officeapi/v1/documents?apikey=${encodeURIComponent(apiKey)}`;
  return () => ({ path, headers, body });
}

function zohoBlank(apiKey: string): () => OpenRequest {
  const path = `/writer/officeapi/v1/documents?apikey=${encodeURIComponent(apiKey)}`;
  return () => ({ path, headers: {}, body: Buffer.alloc(0) });
}

function report(label: string, r: LoadResult, baseline?: LoadResult): void {
  const failures = [...r.failures].map(([status, n]) => `${n}× ${status}`).join(', ') || 'none';
  const ratio = baseline ? `  (${(r.opensPerSecond / baseline.opensPerSecond).toFixed(2)} × /v1 JSON)` : '';
  say(
    `${label.padEnd(34)} ${r.opensPerSecond.toFixed(0).padStart(6)} opens/s${ratio}; ` +
      `p50 ${ms(r.latency.p50)}, p99 ${ms(r.latency.p99)}; other answers: ${failures}`,
  );
}

async function main(): Promise<void> {
  await withBenchInstance('bench-zoho', {}, async (b) => {
    const port = Number(new URL(b.base).port);
    say(
      `Load: ${LOAD.connections} keep-alive connections, closed loop, a 3 KiB document, a fresh Idempotency-Key ` +
        `per request; ${LOAD.warmupSeconds} s warm-up, ${LOAD.measuredSeconds} s measured, one after another`,
    );
    const json = await driveOpens(port, jsonOpen(b.apiKey), LOAD);
    report('/v1 JSON (content_base64)', json);
    report('/v1 multipart (file)', await driveOpens(port, v1Multipart(b.apiKey), LOAD), json);
    report('Zoho Writer create (document)', await driveOpens(port, zohoCreate(b.apiKey), LOAD, 200), json);
    report('Zoho Writer create (blank .docx)', await driveOpens(port, zohoBlank(b.apiKey), LOAD, 200), json);
  });
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
