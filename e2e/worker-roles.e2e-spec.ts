import { JobQueue } from '@docsession/contracts';
import { entryOf } from '@docsession/local-instance';
import { spawn } from 'node:child_process';
import { api, eventually } from './support/api';
import { IsolatedSystem } from './support/isolated-system';

const TTL_SECONDS = 2;
const OTHER_QUEUES = Object.values(JobQueue).filter((q) => q !== JobQueue.SessionExpiry);

/** Runs a worker process to its exit; answers its exit code and what it wrote to stderr. */
async function runWorker(env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [entryOf('worker')], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  clearTimeout(timer);
  return { code, stderr };
}

/** A worker serving one role (WORKER_QUEUES), on a system of this file's own. */
describe('worker roles (WORKER_QUEUES)', () => {
  let sys: IsolatedSystem;
  let key: string;

  beforeAll(async () => {
    sys = await IsolatedSystem.start('roles', { WORKER_QUEUES: JobQueue.SessionExpiry });
    const tenant = await api('POST', `${sys.baseUrl}/v1/admin/tenants`, {
      key: sys.t.adminToken,
      json: { name: 'roles' },
    });
    key = tenant.body.api_key;
  }, 120_000);
  afterAll(() => sys?.stop(), 60_000);

  it('a worker with WORKER_QUEUES=session-expiry expires sessions and takes no other job', async () => {
    // A job on every other queue, with a payload no processor accepts: a worker serving
    // that queue would fail it at once.
    const others = await Promise.all(OTHER_QUEUES.map((q) => sys.queue(q).add('stray', {})));

    const opened = await Promise.all(
      [1, 2, 3].map((i) =>
        api('POST', `${sys.baseUrl}/v1/documents`, {
          key,
          json: { content_base64: Buffer.from(`doc ${i}`).toString('base64'), ttl_seconds: TTL_SECONDS },
        }),
      ),
    );
    for (const res of opened) expect(res.status).toBe(201);
    const ids = opened.map((res) => res.body.session_id as string);
    await eventually(
      async () => {
        const rows = await sys.query<{ n: string }>(
          `SELECT count(*) AS n FROM session.sessions WHERE id = ANY($1) AND status = 'expired'`,
          [ids],
        );
        return Number(rows[0].n) === ids.length ? true : undefined;
      },
      TTL_SECONDS * 1000 + 8_000,
      'the sessions expired',
    );
    expect(await sys.storedBlobs(opened.map((res) => res.body.document_id as string))).toEqual([]);

    // Seconds later the other queues' jobs still wait: nobody took them.
    expect(await Promise.all(others.map((job) => job.getState()))).toEqual(OTHER_QUEUES.map(() => 'waiting'));
    expect(await sys.queue(JobQueue.SessionExpiry).getWorkersCount()).toBe(1);
    for (const q of OTHER_QUEUES) expect(await sys.queue(q).getWorkersCount()).toBe(0);
    // Nor does it keep the purge schedule: that is the purge workers' job.
    expect(await sys.queue(JobQueue.Purge).getJobSchedulers()).toEqual([]);
  }, 30_000);

  it('a worker asked for a queue that does not exist refuses to start, naming it', async () => {
    const { code, stderr } = await runWorker(
      { ...sys.t.env, WORKER_PORT: String(sys.t.ports.spare), WORKER_QUEUES: 'session-expiry,expiry' },
      30_000,
    );
    expect(code).toBe(78);
    expect(stderr).toContain('WORKER_QUEUES: unknown queue "expiry"; the queues are session-expiry,');
    // It never served anything: still one worker on the expiry queue.
    expect(await sys.queue(JobQueue.SessionExpiry).getWorkersCount()).toBe(1);
  }, 40_000);
});
