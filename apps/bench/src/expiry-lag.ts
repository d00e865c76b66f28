import { eventually } from '@docsession/local-instance';
import { request, say, withBenchInstance, withDatabase } from './bench-instance';
import { ms, summarize } from './stats';

/**
 * `npm run bench:expiry`: opens 1,000 sessions that all expire in the same second — each
 * open asks for the whole number of seconds that lands its `expires_at` in [T, T + 1 s) —
 * and measures for each how long after its `expires_at` its content disappeared from the blob
 * store (BENCH_BLOB_STORE: local files, or an s3rver bucket), asking the store itself.
 * Prints figures; asserts nothing.
 */
const SESSIONS = Number(process.env.BENCH_EXPIRING ?? 1_000);
/** T is this long after the first open: enough to open them all first. */
const LEAD_SECONDS = Number(process.env.BENCH_EXPIRY_LEAD ?? 30);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);

interface Opened {
  documentId: string;
  expiresAt: number;
  removedAt?: number;
}

async function main(): Promise<void> {
  await withBenchInstance('benchexpiry', {}, async ({ t, base, apiKey, blobs }) => {
    const open = async (ttl: number) =>
      (await request('POST', `${base}/v1/documents`, apiKey, {
        content_base64: Buffer.from('expiring').toString('base64'),
        document: { name: 'bench.txt' },
        ttl_seconds: ttl,
      })) as { document_id: string; expires_at: string };
    for (let i = 0; i < 20; i++) await open(3600); // warm-up

    const target = Math.ceil(Date.now() / 1000) * 1000 + LEAD_SECONDS * 1000;
    say(
      `\nExpiry lag: ${SESSIONS} sessions expiring from ${new Date(target).toISOString()}, opened over ${CONNECTIONS} connections`,
    );
    const opened: Opened[] = [];
    const started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (next < SESSIONS) {
          next++;
          const s = await open(Math.ceil((target - Date.now()) / 1000));
          opened.push({ documentId: s.document_id, expiresAt: Date.parse(s.expires_at) });
        }
      }),
    );
    const expiries = opened.map((o) => o.expiresAt);
    const first = Math.min(...expiries);
    const last = Math.max(...expiries);
    say(
      `  opened in ${((performance.now() - started) / 1000).toFixed(1)} s; expires_at spread over ${last - first} ms`,
    );
    if (first < Date.now()) throw new Error('Sessions expired before all were opened: raise BENCH_EXPIRY_LEAD');

    // Through the store, as the services see it (a directory or a bucket): the store is listed
    // again and again, from just before the first expiry on — one request per thousand keys on
    // S3, where asking about each blob would load the store more than the removals do. A removal
    // is timed when a listing first misses it, so the figures are late by up to one sweep.
    await new Promise((r) => setTimeout(r, Math.max(0, first - Date.now() - 200)));
    const pending = new Map(opened.map((o) => [o.documentId, o]));
    const sweeps: number[] = [];
    await eventually(
      async () => {
        const began = performance.now();
        const stored = new Set<string>();
        for await (const blob of blobs.list()) stored.add(blob.key);
        const now = Date.now();
        for (const id of [...pending.keys()]) {
          if (stored.has(id)) continue;
          pending.get(id)!.removedAt = now;
          pending.delete(id);
        }
        sweeps.push(performance.now() - began);
        return pending.size === 0 ? true : undefined;
      },
      last - Date.now() + 120_000,
      'every blob removed',
      1,
    );

    const lags = opened.map((o) => o.removedAt! - o.expiresAt);
    const sweep = summarize(sweeps);
    say(`  one sweep over the blobs still there: p50 ${ms(sweep.p50)}, max ${ms(sweep.max)} (${sweeps.length} sweeps)`);
    const s = summarize(lags);
    say(`  blob removed after expires_at: p50 ${ms(s.p50)}  p90 ${ms(s.p90)}  p99 ${ms(s.p99)}  max ${ms(s.max)}`);
    say(`  within 1 s: ${lags.filter((l) => l <= 1_000).length} of ${lags.length}; earliest ${ms(Math.min(...lags))}`);

    const purged = await withDatabase(t.env.DATABASE_URL!, async (db) =>
      (
        await db.query<{ lag: number }>(
          `SELECT extract(epoch FROM d.purged_at - s.expires_at) * 1000 AS lag
           FROM session.documents d JOIN session.sessions s ON s.document_id = d.id
           WHERE d.id = ANY($1::uuid[])`,
          [opened.map((o) => o.documentId)],
        )
      ).rows.map((r) => Number(r.lag)),
    );
    const p = summarize(purged);
    say(`  purged_at after expires_at (DB):  p50 ${ms(p.p50)}  p90 ${ms(p.p90)}  p99 ${ms(p.p99)}  max ${ms(p.max)}`);
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
