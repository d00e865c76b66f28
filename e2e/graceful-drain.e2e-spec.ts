import type { RunningProcess } from '@docsession/local-instance';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { api, eventually } from './support/api';
import { IsolatedSystem } from './support/isolated-system';
import { page } from './support/page';

const DELAY_SECONDS = 1;
const GRACE_SECONDS = 15;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sends SIGTERM and resolves with the exit code and how long the exit took. */
function terminate(p: RunningProcess): Promise<{ code: number | null; ms: number }> {
  const started = Date.now();
  const exited = new Promise<{ code: number | null; ms: number }>((r) =>
    p.child.once('exit', (code) => r({ code, ms: Date.now() - started })),
  );
  p.child.kill('SIGTERM');
  return exited;
}

/** `/readyz` of a port: its status, or 0 when nothing answers. */
async function readiness(port: number): Promise<number> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(2_000) })).status;
  } catch {
    return 0;
  }
}

/** A multipart open whose file arrives slowly: in flight for about `ms`. */
function slowOpen(url: string, key: string, ms: number): Promise<Response> {
  const boundary = `drain${randomBytes(8).toString('hex')}`;
  const head = `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="slow.txt"\r\ncontent-type: text/plain\r\n\r\n`;
  const chunks = 10;
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (sent === 0) controller.enqueue(new TextEncoder().encode(head));
      if (sent === chunks) {
        controller.enqueue(new TextEncoder().encode(`\r\n--${boundary}--\r\n`));
        controller.close();
        return;
      }
      await sleep(ms / chunks);
      controller.enqueue(new TextEncoder().encode(`part ${sent} of a slow upload\n`));
      sent++;
    },
  });
  return fetch(`${url}/v1/documents`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
    body,
    duplex: 'half',
  } as RequestInit);
}

/** A save_url that holds each POST for `holdMs` before answering 200. */
async function slowReceiver(holdMs: number) {
  const started: number[] = [];
  const answered: number[] = [];
  const server: Server = createServer((req, res) => {
    started.push(Date.now());
    req.resume();
    req.on('end', () =>
      setTimeout(() => {
        answered.push(Date.now());
        res.writeHead(200).end();
      }, holdMs),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/save`,
    started,
    answered,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** SIGTERM mid-work: /readyz says 503 first, what is in hand finishes, nothing is lost or done twice. */
describe('graceful drain on SIGTERM', () => {
  let sys: IsolatedSystem;
  let key: string;
  let tenantId: string;

  beforeAll(async () => {
    sys = await IsolatedSystem.start('drain', {
      SHUTDOWN_DELAY_SECONDS: String(DELAY_SECONDS),
      SHUTDOWN_GRACE_SECONDS: String(GRACE_SECONDS),
      // The worker POSTs save callbacks to this machine.
      URL_IMPORT_ALLOW_PRIVATE: 'true',
    });
    const tenant = await api('POST', `${sys.baseUrl}/v1/admin/tenants`, {
      key: sys.t.adminToken,
      json: { name: 'drain', usage_limit: 1_000_000 },
    });
    key = tenant.body.api_key;
    tenantId = tenant.body.tenant_id;
  }, 120_000);
  afterAll(() => sys?.stop(), 60_000);

  it('a worker finishes the job it is running, once, while /readyz answers 503', async () => {
    const receiver = await slowReceiver(3_000);
    try {
      const opened = await api('POST', `${sys.baseUrl}/v1/documents`, {
        key,
        json: {
          content_base64: Buffer.from('v1').toString('base64'),
          document: { name: 'drain.txt' },
          callback: { save_url: receiver.url, retries: 3 },
        },
      });
      expect(opened.status).toBe(201);
      expect((await page.save(opened.body.document_url, 'v2', 'text/plain')).status).toBe(200);
      await eventually(async () => (receiver.started.length ? true : undefined), 10_000, 'the callback POST');

      const exit = terminate(sys.system.find('worker'));
      await sleep(300);
      // The job is still running (its POST is held): the worker says it is going, and still answers.
      expect(receiver.answered).toHaveLength(0);
      expect(await readiness(sys.t.ports.worker)).toBe(503);
      const { code, ms } = await exit;
      expect(code).toBe(0);
      expect(ms).toBeLessThan((DELAY_SECONDS + GRACE_SECONDS) * 1000);
      expect(receiver.answered).toHaveLength(1);

      // A fresh worker finds nothing left to do: the delivery was recorded as it finished.
      await sys.system.start([{ name: 'worker', app: 'worker', port: sys.t.ports.worker }]);
      const delivered = await eventually(
        async () => {
          const rows = await sys.query<{ type: string }>(
            `SELECT type FROM session.audit_events WHERE document_id = $1 AND type LIKE 'callback.%'`,
            [opened.body.document_id],
          );
          return rows.length ? rows : undefined;
        },
        5_000,
        'the delivery in the audit trail',
      );
      await sleep(3_000); // CALLBACK_RECOVERY_SECONDS (2 s) and BullMQ's stalled check have had their turn
      expect(delivered.map((r) => r.type)).toEqual(['callback.delivered']);
      expect(receiver.started).toHaveLength(1);
    } finally {
      await receiver.close();
    }
  }, 60_000);

  it("a session service answers the gateway's requests it holds, while a second one takes over", async () => {
    const opened = await api('POST', `${sys.baseUrl}/v1/documents`, {
      key,
      json: { content_base64: Buffer.from('read me').toString('base64') },
    });
    expect(opened.status).toBe(201);
    await sys.system.start([
      { name: 'session-2', app: 'session', port: sys.t.ports.spare, env: { SESSION_PORT: String(sys.t.ports.spare) } },
    ]);
    const statuses: { status: number; ms: number; startedAt: number }[] = [];
    let stopped = false;
    // Reads answered by the session service over RPC, from 16 clients at once.
    const loops = Array.from({ length: 16 }, async () => {
      while (!stopped) {
        const startedAt = Date.now();
        const res = await api('GET', `${sys.baseUrl}/v1/sessions/${opened.body.session_id}`, { key });
        statuses.push({ status: res.status, ms: Date.now() - startedAt, startedAt });
      }
    });
    await sleep(1_000);
    const { code } = await terminate(sys.system.find('session'));
    await sleep(1_000);
    stopped = true;
    await Promise.all(loops);
    expect(code).toBe(0);
    expect(statuses.length).toBeGreaterThan(50);
    // Not one request lost with the stopping service (it would answer 503 after RPC_TIMEOUT_MS).
    expect(statuses.filter((s) => s.status !== 200)).toEqual([]);
    await sys.system.start([{ name: 'session', app: 'session', port: sys.t.ports.session }]);
  }, 60_000);

  it('a gateway under load answers every request in flight; every 201 is a stored session billed once', async () => {
    const gateway = sys.system.find('gateway');
    const base = sys.baseUrl;
    type Outcome = { startedAt: number; status: number; sessionId?: string };
    const outcomes: Outcome[] = [];
    let stopped = false;

    const record = async (startedAt: number, answer: Promise<Response>) => {
      try {
        const res = await answer;
        const body = (await res.json().catch(() => ({}))) as { session_id?: string };
        outcomes.push({ startedAt, status: res.status, sessionId: body.session_id });
      } catch {
        outcomes.push({ startedAt, status: 0 }); // no answer
      }
    };
    // 16 keep-alive clients opening in a closed loop until the gateway is gone.
    const loops = Array.from({ length: 16 }, async (_, i) => {
      while (!stopped) {
        const startedAt = Date.now();
        await record(
          startedAt,
          fetch(`${base}/v1/documents`, {
            method: 'POST',
            headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
            body: JSON.stringify({ content_base64: Buffer.from(`load ${i}`).toString('base64') }),
          }),
        );
        if (outcomes[outcomes.length - 1].status === 0) break;
      }
    });
    await sleep(1_500);
    // Uploads that are still arriving when the server stops listening.
    const slow = Array.from({ length: 4 }, () => {
      const startedAt = Date.now();
      return record(startedAt, slowOpen(base, key, (DELAY_SECONDS + 1.5) * 1000));
    });
    await sleep(200);

    const signalledAt = Date.now();
    const exit = terminate(gateway);
    expect(await eventually(async () => ((await readiness(sys.t.ports.gateway)) === 503 ? 503 : undefined), 500));
    const { code, ms } = await exit;
    stopped = true;
    await Promise.all([...loops, ...slow]);

    expect(code).toBe(0);
    expect(ms).toBeLessThan((DELAY_SECONDS + GRACE_SECONDS) * 1000);
    const inFlight = outcomes.filter((o) => o.startedAt < signalledAt);
    expect(inFlight.length).toBeGreaterThan(20);
    // Every request sent before the signal got its answer: a 201.
    expect(inFlight.filter((o) => o.status !== 201)).toEqual([]);

    const created = outcomes.filter((o) => o.status === 201).map((o) => o.sessionId!);
    await eventually(
      async () => {
        const [{ n }] = await sys.query<{ n: number }>(
          `SELECT count(DISTINCT session_id)::int AS n FROM metering.billable_calls WHERE tenant_id = $1`,
          [tenantId],
        );
        return n >= created.length ? true : undefined;
      },
      20_000,
      'every open billed',
    );
    const stored = await sys.query<{ id: string }>(`SELECT id FROM session.sessions WHERE id = ANY($1)`, [created]);
    expect(stored).toHaveLength(created.length);
    const billed = await sys.query<{ session_id: string; n: number }>(
      `SELECT session_id, count(*)::int AS n FROM metering.billable_calls WHERE tenant_id = $1 GROUP BY session_id`,
      [tenantId],
    );
    // Billed once each, and nothing else billed but the earlier tests' one open each.
    expect(billed.filter((b) => b.n !== 1)).toEqual([]);
    const createdSet = new Set(created);
    expect(billed.filter((b) => !createdSet.has(b.session_id))).toHaveLength(2);
  }, 90_000);
});
