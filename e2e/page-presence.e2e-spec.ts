import { api, newTenant, openText } from './support/api';
import { blobExists } from './support/blobs';
import { query } from './support/database';
import { PAGE_TIMES } from './support/environment';
import { page, sessionOf, sleep, waitUntilEnded } from './support/page';

const GRACE_MS = PAGE_TIMES.closeGraceSeconds * 1000;
const IDLE_MS = PAGE_TIMES.idleTimeoutSeconds * 1000;

async function closedAudit(sessionId: string) {
  return query<{ details: unknown }>(
    `SELECT details FROM session.audit_events WHERE session_id = $1 AND type = 'session.closed'`,
    [sessionId],
  );
}

/** Heartbeats like the page does, until stopped. */
function heartbeating(documentUrl: string) {
  let running = true;
  const loop = (async () => {
    while (running) {
      expect((await page.heartbeat(documentUrl)).status).toBe(204);
      await sleep(PAGE_TIMES.heartbeatSeconds * 1000);
    }
  })();
  return async () => {
    running = false;
    await loop;
  };
}

describe('page presence: close beacon, reloads and idle timeout', () => {
  let key: string;
  beforeAll(async () => {
    key = (await newTenant()).api_key;
  });

  it('leaves the session inactive when a link scanner fetches the page; the script reporting in opens it', async () => {
    const { body: s } = await openText(key, 'scanned');
    expect((await page.fetchOnly(s.document_url, 'HEAD')).status).toBe(200);
    expect((await page.fetchOnly(s.document_url)).status).toBe(200);
    await sleep(IDLE_MS + 1500); // an idle clock started by the fetch would have closed it by now
    const scanned = (await sessionOf(key, s.session_id)).body;
    expect(scanned).toMatchObject({ status: 'inactive', opened_at: null });
    expect(
      await query(`SELECT 1 FROM session.audit_events WHERE session_id = $1 AND type = 'session.opened'`, [
        s.session_id,
      ]),
    ).toEqual([]);

    expect((await page.heartbeat(s.document_url)).status).toBe(204);
    const reportedAt = Date.now();
    const opened = (await sessionOf(key, s.session_id)).body;
    expect(opened.status).toBe('active');
    expect(Date.parse(opened.opened_at)).toBeGreaterThan(Date.parse(scanned.created_at) + IDLE_MS);
    // From its first report on, the idle clock runs.
    const { session, elapsedMs } = await waitUntilEnded(key, s.session_id, reportedAt);
    expect(session.close_reason).toBe('idle_timeout');
    expect(elapsedMs).toBeGreaterThanOrEqual(IDLE_MS - 500);
  });

  it('closes the session after the close beacon and CLOSE_GRACE_SECONDS, and removes the content', async () => {
    const { body: s } = await openText(key, 'closing');
    expect((await page.load(s.document_url)).status).toBe(200);

    const beacon = await page.close(s.document_url);
    const sentAt = Date.now();
    expect(beacon.status).toBe(202);
    expect(await beacon.text()).toBe('');

    await sleep(GRACE_MS - 600);
    expect((await sessionOf(key, s.session_id)).body.status).toBe('active'); // not before the grace
    const { session, elapsedMs } = await waitUntilEnded(key, s.session_id, sentAt);
    expect(session).toMatchObject({ status: 'closed', close_reason: 'closed_by_user' });
    expect(elapsedMs).toBeLessThanOrEqual(GRACE_MS + 1000);

    expect((await page.content(s.document_url)).status).toBe(410);
    expect((await api('GET', `/v1/documents/${s.document_id}/content`, { key })).status).toBe(410);
    expect(await blobExists(s.document_id)).toBe(false);
    expect(await closedAudit(s.session_id)).toEqual([{ details: { reason: 'closed_by_user' } }]);
    expect((await page.load(s.document_url)).status).toBe(410); // final is final
  });

  it('keeps the session when the page loads again within the grace (a reload)', async () => {
    const { body: s } = await openText(key, 'reloaded');
    await page.load(s.document_url);
    expect((await page.close(s.document_url)).status).toBe(202);
    await sleep(300);
    expect((await page.load(s.document_url)).status).toBe(200);

    await sleep(GRACE_MS + 1500);
    expect((await sessionOf(key, s.session_id)).body.status).toBe('active');
    expect((await page.content(s.document_url)).status).toBe(200);
    expect(await closedAudit(s.session_id)).toEqual([]);
    await api('DELETE', `/v1/sessions/${s.session_id}`, { key });
  });

  it('keeps the session when a heartbeat comes within the grace, and closes on a later beacon', async () => {
    const { body: s } = await openText(key, 'back again');
    await page.load(s.document_url);
    await page.close(s.document_url);
    await sleep(500);
    expect((await page.heartbeat(s.document_url)).status).toBe(204);
    await sleep(GRACE_MS + 1000);
    expect((await sessionOf(key, s.session_id)).body.status).toBe('active');

    // Two beacons: the earlier check finds the later request and waits for it.
    expect((await page.heartbeat(s.document_url)).status).toBe(204); // the idle timeout is far off
    await page.close(s.document_url);
    await sleep(800);
    await page.close(s.document_url);
    const lastAt = Date.now();
    const { session, elapsedMs } = await waitUntilEnded(key, s.session_id, lastAt);
    expect(session.close_reason).toBe('closed_by_user');
    expect(elapsedMs).toBeGreaterThanOrEqual(GRACE_MS - 300);
    expect(elapsedMs).toBeLessThanOrEqual(GRACE_MS + 1000);
  });

  it('closes an opened session without heartbeats after IDLE_TIMEOUT_SECONDS (idle_timeout), never an unopened one', async () => {
    const { body: opened } = await openText(key, 'left open');
    const { body: unopened } = await openText(key, 'never opened');
    await page.load(opened.document_url);
    const loadedAt = Date.now();

    await sleep(IDLE_MS - 700);
    expect((await sessionOf(key, opened.session_id)).body.status).toBe('active');
    const { session, elapsedMs } = await waitUntilEnded(key, opened.session_id, loadedAt);
    expect(session).toMatchObject({ status: 'closed', close_reason: 'idle_timeout' });
    expect(elapsedMs).toBeLessThanOrEqual(IDLE_MS + 1000);
    expect(await blobExists(opened.document_id)).toBe(false);
    expect(await closedAudit(opened.session_id)).toEqual([{ details: { reason: 'idle_timeout' } }]);

    expect((await sessionOf(key, unopened.session_id)).body.status).toBe('inactive');
    await api('DELETE', `/v1/sessions/${unopened.session_id}`, { key });
  });

  it('keeps a heartbeating session open past the idle timeout, then closes it IDLE_TIMEOUT after the last heartbeat', async () => {
    const { body: s } = await openText(key, 'alive');
    await page.load(s.document_url);
    const stop = heartbeating(s.document_url);
    await sleep(IDLE_MS * 2);
    await stop();
    const lastBeatAt = Date.now();
    expect((await sessionOf(key, s.session_id)).body.status).toBe('active');

    const { session, elapsedMs } = await waitUntilEnded(key, s.session_id, lastBeatAt);
    expect(session.close_reason).toBe('idle_timeout');
    expect(elapsedMs).toBeGreaterThanOrEqual(IDLE_MS - 1500);
    expect(elapsedMs).toBeLessThanOrEqual(IDLE_MS + 1000);
  });

  it('a save counts as a sign of life', async () => {
    const { body: s } = await openText(key, 'saving');
    await page.load(s.document_url);
    await sleep(IDLE_MS - 1500);
    expect((await page.save(s.document_url, 'saved late')).status).toBe(200);
    await sleep(2000); // past the first idle deadline
    expect((await sessionOf(key, s.session_id)).body.status).toBe('active');
    await api('DELETE', `/v1/sessions/${s.session_id}`, { key });
  });
});
