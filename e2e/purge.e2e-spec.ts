import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { api, eventually, newTenant, openText } from './support/api';
import { blobExists } from './support/blobs';
import { countRows, query } from './support/database';
import { page } from './support/page';
import { e2eState } from './support/state';

const TWO_HOURS_AGO = new Date(Date.now() - 2 * 3600_000);

/** Drops a file into the blob store's layout, as a crash would have left it. */
function dropFile(name: string, shard: string, mtime: Date | null): string {
  const dir = join(e2eState().dataDir, 'blobs', shard);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  writeFileSync(path, 'left behind');
  if (mtime) utimesSync(path, mtime, mtime);
  return path;
}

async function purgeRuns() {
  return api('GET', '/v1/admin/purge-runs', { key: e2eState().adminToken });
}

/** Starts a manual purge and waits until its run is recorded as finished. */
async function purgeNow() {
  const started = await api('POST', '/v1/admin/purge', { key: e2eState().adminToken });
  expect(started.status).toBe(202);
  const runId: string = started.body.run_id;
  return eventually(
    async () => {
      const run = (await purgeRuns()).body.runs.find((r: { run_id: string }) => r.run_id === runId);
      return run?.finished_at ? run : undefined;
    },
    20_000,
    `purge run ${runId} finished`,
  );
}

describe('the purge (manual runs on the shared system)', () => {
  it('is for the operator only', async () => {
    for (const [method, path] of [
      ['POST', '/v1/admin/purge'],
      ['GET', '/v1/admin/purge-runs'],
    ]) {
      const res = await api(method, path, { key: (await newTenant()).api_key });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('unauthorized');
    }
  });

  it('removes orphan blobs past the grace and leaves live content and fresh files alone', async () => {
    const tenant = await newTenant();
    const { body: live } = await openText(tenant.api_key, 'still open');
    // An old mtime does not make a live document's blob an orphan.
    const livePath = join(e2eState().dataDir, 'blobs', live.document_id.slice(0, 2), live.document_id);
    utimesSync(livePath, TWO_HOURS_AGO, TWO_HOURS_AGO);

    const orphanId = randomUUID(); // crash mid-upload: a blob with no document
    const orphan = dropFile(orphanId, orphanId.slice(0, 2), TWO_HOURS_AGO);
    const freshId = randomUUID(); // maybe an open the session service has not stored yet
    const fresh = dropFile(freshId, freshId.slice(0, 2), null);
    const partialId = randomUUID(); // an interrupted write's temporary file
    const partial = dropFile(`.${partialId}.a1b2c3.partial`, partialId.slice(0, 2), TWO_HOURS_AGO);

    const run = await purgeNow();
    expect(run).toMatchObject({ trigger: 'manual', error: null });
    expect(run.removed.orphan_blobs).toBeGreaterThanOrEqual(2);
    expect(existsSync(orphan)).toBe(false);
    expect(existsSync(partial)).toBe(false);
    expect(existsSync(fresh)).toBe(true);
    expect(await blobExists(live.document_id)).toBe(true);
    const content = await api('GET', `/v1/documents/${live.document_id}/content`, { key: tenant.api_key });
    expect(content.text).toBe('still open');
  });

  it('removes the blob of a purged document left by a crash between commit and unlink', async () => {
    const tenant = await newTenant();
    const { body: s } = await openText(tenant.api_key, 'crash after commit');
    await api('DELETE', `/v1/sessions/${s.session_id}`, { key: tenant.api_key });
    expect(await blobExists(s.document_id)).toBe(false);
    dropFile(s.document_id, s.document_id.slice(0, 2), null); // fresh: no grace for a purged document
    await purgeNow();
    expect(await blobExists(s.document_id)).toBe(false);
  });

  it('removes version blobs no row holds, and keeps those a row holds or a save may be keeping now', async () => {
    const { api_key: key } = await newTenant();
    const { body: live } = await openText(key, 'v1');
    await page.load(live.document_url);
    for (const text of ['v2', 'v3']) expect((await page.save(live.document_url, text)).status).toBe(200);
    // Now the content is version 3; versions 1 and 2 are kept. A crash after a save that dropped
    // version 1 (its row) and before it deleted the blob leaves the blob alone:
    await query(`DELETE FROM session.document_versions WHERE document_id = $1 AND number = 1`, [live.document_id]);
    // A blob of the current version, with no row, is what a save keeping it has made before its
    // commit (or what a failed save left, which the next save replaces): never an orphan.
    const inFlight = dropFile(`${live.document_id}-v3`, live.document_id.slice(0, 2), TWO_HOURS_AGO);
    // Versions of a purged document, and of no document, left by a crash: orphans at once.
    const { body: ended } = await openText(key, 'ended');
    await api('DELETE', `/v1/sessions/${ended.session_id}`, { key });
    const ofPurged = dropFile(`${ended.document_id}-v1`, ended.document_id.slice(0, 2), null);
    const nobody = randomUUID();
    const ofNobody = dropFile(`${nobody}-v2`, nobody.slice(0, 2), null);

    const run = await purgeNow();
    expect(run.error).toBeNull();
    expect(run.removed.orphan_blobs).toBeGreaterThanOrEqual(3);
    expect(await blobExists(`${live.document_id}-v1`)).toBe(false);
    expect(existsSync(ofPurged)).toBe(false);
    expect(existsSync(ofNobody)).toBe(false);
    expect(existsSync(inFlight)).toBe(true);
    expect(await blobExists(`${live.document_id}-v2`)).toBe(true);
    const kept = await api('GET', `/v1/documents/${live.document_id}/versions/2/content`, { key });
    expect(kept.text).toBe('v2');
    await api('DELETE', `/v1/documents/${live.document_id}`, { key });
    expect(await blobExists(`${live.document_id}-v2`)).toBe(false);
    rmSync(inFlight); // what the next run would remove, the document being purged now
  });

  it('expires sessions whose expiry job was lost, and removes content nobody holds open', async () => {
    const tenant = await newTenant();
    const { body: overdue } = await openText(tenant.api_key, 'job lost');
    const { body: unheld } = await openText(tenant.api_key, 'last session ended, content stayed');
    await eventually(
      async () =>
        (await countRows('session.sessions', 'id = ANY($1)', [[overdue.session_id, unheld.session_id]])) === 2
          ? true
          : undefined,
      10_000,
      'both sessions stored',
    );
    // What a lost Redis (no expiry job fires) and a crash mid-close would leave in PostgreSQL:
    await query(`UPDATE session.sessions SET expires_at = now() - interval '1 minute' WHERE id = $1`, [
      overdue.session_id,
    ]);
    await query(
      `UPDATE session.sessions SET status = 'closed', close_reason = 'closed_by_user', closed_at = now() WHERE id = $1`,
      [unheld.session_id],
    );

    const run = await purgeNow();
    expect(run.removed.expired_sessions).toBeGreaterThanOrEqual(1);
    expect(run.removed.purged_documents).toBeGreaterThanOrEqual(2);

    const session = await api('GET', `/v1/sessions/${overdue.session_id}`, { key: tenant.api_key });
    expect(session.body).toMatchObject({ status: 'expired', close_reason: 'expired' });
    for (const s of [overdue, unheld]) {
      expect(await blobExists(s.document_id)).toBe(false);
      expect((await api('GET', `/v1/documents/${s.document_id}/content`, { key: tenant.api_key })).status).toBe(410);
      const doc = await api('GET', `/v1/documents/${s.document_id}`, { key: tenant.api_key });
      expect(doc.body.status).toBe('purged');
    }
    const trail = await api('GET', `/v1/documents/${overdue.document_id}/events`, { key: tenant.api_key });
    expect(trail.body.events.map((e: { type: string }) => e.type)).toEqual([
      'session.created',
      'session.expired',
      'document.purged',
    ]);
  });

  it('deletes audit events older than the retention, and lists runs newest first', async () => {
    const tenant = await newTenant();
    const { body: s } = await openText(tenant.api_key, 'old history');
    await api('DELETE', `/v1/sessions/${s.session_id}`, { key: tenant.api_key });
    await query(
      `INSERT INTO session.audit_events (document_id, session_id, type, at, details)
       VALUES ($1, $2, 'session.opened', now() - interval '100 days', '{}')`,
      [s.document_id, s.session_id],
    );
    const first = await purgeNow();
    expect(first.removed.audit_events).toBeGreaterThanOrEqual(1);
    const trail = await api('GET', `/v1/documents/${s.document_id}/events`, { key: tenant.api_key });
    expect(trail.body.events.map((e: { type: string }) => e.type)).toEqual([
      'session.created',
      'session.closed',
      'document.purged',
    ]);

    const second = await purgeNow();
    const { body } = await purgeRuns();
    expect(body.runs.length).toBeLessThanOrEqual(50);
    expect(body.runs[0].run_id).toBe(second.run_id);
    expect(body.runs.findIndex((r: { run_id: string }) => r.run_id === first.run_id)).toBeGreaterThan(0);
    expect(Object.keys(body.runs[0])).toEqual(['run_id', 'trigger', 'started_at', 'finished_at', 'removed', 'error']);
    expect(Date.parse(body.runs[0].finished_at)).toBeGreaterThanOrEqual(Date.parse(body.runs[0].started_at));
    // The worker's first run at boot, when the schedule was new, is on record too.
    expect(body.runs.some((r: { trigger: string }) => r.trigger === 'schedule')).toBe(true);
  });
});
