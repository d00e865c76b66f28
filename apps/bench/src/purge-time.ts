import { eventually } from '@docsession/local-instance';
import { request, say, withBenchInstance, withDatabase } from './bench-instance';

/**
 * `npm run bench:purge`: how long the purge takes to clean up 10,000 stale documents —
 * live, each with one open session whose `expires_at` passed, a small blob, and no expiry
 * job in Redis (as after a lost Redis). They are written straight into PostgreSQL and the blob
 * store (BENCH_BLOB_STORE), then a manual purge is started through the admin API and timed.
 */
const DOCUMENTS = Number(process.env.BENCH_PURGE_DOCUMENTS ?? 10_000);

interface Run {
  run_id: string;
  started_at: string | null;
  finished_at: string | null;
  removed: Record<string, number>;
  error: string | null;
}

async function main(): Promise<void> {
  await withBenchInstance('benchpurge', {}, async ({ t, base, tenantId, blobs }) => {
    const runs = async () =>
      ((await request('GET', `${base}/v1/admin/purge-runs`, t.adminToken)) as { runs: Run[] }).runs;
    // The worker's first scheduled run (the schedule is new) goes first, so it does not race ours.
    await eventually(
      async () => ((await runs()).some((r) => r.finished_at) ? true : undefined),
      60_000,
      'the boot purge',
    );

    say(`\nPurge: ${DOCUMENTS} stale documents (live, session past expires_at, a blob, no expiry job)`);
    const seeded = performance.now();
    const ids = await withDatabase(t.env.DATABASE_URL!, async (db) => {
      const { rows } = await db.query<{ id: string }>(
        `WITH docs AS (
           INSERT INTO session.documents (id, tenant_id, name, content_type, size_bytes, sha256, host_session_id, created_at)
           SELECT gen_random_uuid(), $1, 'stale.txt', 'text/plain', 5, repeat('0', 64), gen_random_uuid(), now() - interval '1 hour'
           FROM generate_series(1, $2) RETURNING id, host_session_id)
         INSERT INTO session.sessions (id, document_id, tenant_id, token_hash, mode, status, created_at, expires_at)
         SELECT host_session_id, id, $1, encode(sha256(gen_random_uuid()::text::bytea), 'hex'), 'edit', 'inactive',
                now() - interval '1 hour', now() - interval '1 minute'
         FROM docs RETURNING document_id AS id`,
        [tenantId, DOCUMENTS],
      );
      await db.query('ANALYZE session.documents; ANALYZE session.sessions');
      return rows.map((r) => r.id);
    });
    for (let i = 0; i < ids.length; i += 50) {
      await Promise.all(ids.slice(i, i + 50).map((id) => blobs.write(id, Buffer.from('stale'), 5)));
    }
    say(`  seeded in ${((performance.now() - seeded) / 1000).toFixed(1)} s`);

    const asked = performance.now();
    const { run_id: runId } = (await request('POST', `${base}/v1/admin/purge`, t.adminToken)) as { run_id: string };
    const run = await eventually(
      async () => (await runs()).find((r) => r.run_id === runId && r.finished_at),
      600_000,
      `purge run ${runId}`,
      100,
    );
    const wall = (performance.now() - asked) / 1000;
    const took = (Date.parse(run.finished_at!) - Date.parse(run.started_at!)) / 1000;
    say(
      `  run ${runId}: ${took.toFixed(2)} s from start to finish (${wall.toFixed(2)} s from the POST); error: ${run.error}`,
    );
    say(`  removed: ${JSON.stringify(run.removed)}`);
    say(`  ${(DOCUMENTS / took).toFixed(0)} documents/s`);
    let left = 0;
    for (let i = 0; i < ids.length; i += 50) {
      const stored = await Promise.all(ids.slice(i, i + 50).map((id) => blobs.exists(id)));
      left += stored.filter(Boolean).length;
    }
    say(`  blobs left: ${left}`);
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
