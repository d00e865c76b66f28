import { JobQueue, JobSchedulerId } from '@docsession/contracts';
import { api, eventually } from './support/api';
import { IsolatedSystem } from './support/isolated-system';

const PURGE_INTERVAL_SECONDS = 3;
const TTL_SECONDS = 2;

/**
 * Two worker processes and Redis emptied under them, on a system of this file's own
 * (the shared one must never lose its Redis keys or run a second worker).
 */
describe('expiry and purge with two workers and a lost Redis', () => {
  let sys: IsolatedSystem;
  let key: string;

  beforeAll(async () => {
    sys = await IsolatedSystem.start(
      'purge',
      { PURGE_INTERVAL_SECONDS: String(PURGE_INTERVAL_SECONDS) },
      { worker: 2 },
    );
    const tenant = await api('POST', `${sys.baseUrl}/v1/admin/tenants`, {
      key: sys.t.adminToken,
      json: { name: 'recovery' },
    });
    key = tenant.body.api_key;
  }, 120_000);
  afterAll(() => sys?.stop(), 60_000);

  async function open(count: number): Promise<{ session_id: string; document_id: string; expires_at: string }[]> {
    const opened = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        api('POST', `${sys.baseUrl}/v1/documents`, {
          key,
          json: { content_base64: Buffer.from(`doc ${i}`).toString('base64'), ttl_seconds: TTL_SECONDS },
        }),
      ),
    );
    for (const res of opened) expect(res.status).toBe(201);
    return opened.map((res) => res.body);
  }

  async function countWhere(sql: string, params: unknown[]): Promise<number> {
    return Number((await sys.query<{ n: string }>(`SELECT count(*) AS n FROM ${sql}`, params))[0].n);
  }

  it('handles every expiry exactly once with two workers', async () => {
    const sessions = await open(50);
    const ids = sessions.map((s) => s.session_id);
    await eventually(
      async () =>
        (await countWhere(`session.sessions WHERE id = ANY($1) AND status = 'expired'`, [ids])) === 50
          ? true
          : undefined,
      15_000,
      'all 50 sessions expired',
    );
    await new Promise((r) => setTimeout(r, 1_000)); // a second handling would show by now

    const perSession = await sys.query<{ session_id: string; n: string }>(
      `SELECT s.id AS session_id, count(e.id) AS n FROM session.sessions s
       LEFT JOIN session.audit_events e ON e.session_id = s.id AND e.type = 'session.expired'
       WHERE s.id = ANY($1) GROUP BY s.id`,
      [ids],
    );
    expect(perSession).toHaveLength(50);
    expect(perSession.filter((r) => Number(r.n) !== 1)).toEqual([]);
    const docs = sessions.map((s) => s.document_id);
    expect(
      await countWhere(`session.audit_events WHERE document_id = ANY($1) AND type = 'document.purged'`, [docs]),
    ).toBe(50);
    expect(await sys.storedBlobs(docs)).toEqual([]);
    expect(await sys.queue(JobQueue.SessionExpiry).getFailedCount()).toBe(0);
    expect(await countWhere(`session.purge_runs WHERE error IS NOT NULL`, [])).toBe(0);
  });

  it('recovers from Redis emptied mid-run: the schedule comes back and the purge removes expired content', async () => {
    const purge = sys.queue(JobQueue.Purge);
    await eventually(
      async () => ((await purge.getJobScheduler(JobSchedulerId.Purge)) ? true : undefined),
      10_000,
      'schedule',
    );
    const sessions = await open(5);
    const expiry = sys.queue(JobQueue.SessionExpiry);
    await eventually(
      async () => {
        const jobs = await Promise.all(sessions.map((s) => expiry.getJob(s.session_id)));
        return jobs.every(Boolean) ? true : undefined;
      },
      10_000,
      'expiry jobs scheduled',
    );

    const emptiedAt = Date.now();
    expect(await sys.emptyRedis()).toBeGreaterThan(0);
    expect(await expiry.getJob(sessions[0].session_id)).toBeUndefined();

    // Only the purge can end them now: within one interval of expires_at (plus the run itself).
    const latestExpiry = Math.max(...sessions.map((s) => Date.parse(s.expires_at)));
    const deadline = latestExpiry + PURGE_INTERVAL_SECONDS * 1000 + 3_000;
    const ids = sessions.map((s) => s.session_id);
    const docs = sessions.map((s) => s.document_id);
    await eventually(
      async () =>
        (await countWhere(`session.documents WHERE id = ANY($1) AND status = 'purged'`, [docs])) === 5 &&
        (await sys.storedBlobs(docs)).length === 0
          ? true
          : undefined,
      deadline - Date.now(),
      'expired content removed by the purge',
    );
    const goneAt = Date.now();
    expect(await countWhere(`session.sessions WHERE id = ANY($1) AND status = 'expired'`, [ids])).toBe(5);
    const runs = await sys.query<{ expired: string }>(
      `SELECT coalesce(sum(expired_sessions), 0) AS expired FROM session.purge_runs
       WHERE trigger = 'schedule' AND started_at >= to_timestamp($1 / 1000.0)`,
      [emptiedAt],
    );
    expect(Number(runs[0].expired)).toBe(5);
    process.stdout.write(`after Redis was emptied: content gone ${goneAt - latestExpiry} ms after expires_at\n`);

    // The schedule is back (it was recreated to run that purge), with its next run.
    const scheduler = await purge.getJobScheduler(JobSchedulerId.Purge);
    expect(scheduler).toMatchObject({ every: PURGE_INTERVAL_SECONDS * 1000 });
  });

  it('records every run, and never runs two at once', async () => {
    const runs = await sys.query<{ id: string; started_at: Date; finished_at: Date | null; error: string | null }>(
      `SELECT id, started_at, finished_at, error FROM session.purge_runs WHERE started_at IS NOT NULL ORDER BY started_at`,
    );
    expect(runs.length).toBeGreaterThanOrEqual(3);
    expect(runs.filter((r) => r.error)).toEqual([]);
    const finished = runs.filter((r) => r.finished_at);
    for (let i = 1; i < finished.length; i++) {
      expect(finished[i].started_at.getTime()).toBeGreaterThanOrEqual(finished[i - 1].finished_at!.getTime());
    }
    const listed = await api('GET', `${sys.baseUrl}/v1/admin/purge-runs`, { key: sys.t.adminToken });
    expect(listed.status).toBe(200);
    expect(listed.body.runs[0]).toMatchObject({ trigger: 'schedule', error: null });
  });
});
