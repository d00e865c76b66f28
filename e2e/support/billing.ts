import type { SessionCreated } from '@docsession/contracts';
import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { resolve } from 'node:path';
import { api, eventually } from './api';
import { countRows } from './database';
import { e2eState } from './state';

export const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** `YYYY-MM` of the month `monthsAgo` before the current one (0: this month). */
export function periodAgo(monthsAgo: number): { label: string; start: Date; endExclusive: Date } {
  const now = new Date();
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - monthsAgo, 1));
  const endExclusive = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
  return { label: start.toISOString().slice(0, 7), start, endExclusive };
}

/** A `session.created` for a session nobody opened through the gateway, at any time. */
export function syntheticSessionCreated(
  tenantId: string,
  occurredAt: string,
  options: { userId?: string; kind?: 'open' | 'join' } = {},
): SessionCreated {
  const sessionId = randomUUID();
  return {
    eventId: sessionId,
    occurredAt,
    tenantId,
    kind: options.kind ?? 'open',
    session: {
      sessionId,
      tokenHash: sha256(randomUUID()),
      mode: 'view',
      user: options.userId === undefined ? null : { id: options.userId },
      expiresAt: new Date(Date.parse(occurredAt) + 3_600_000).toISOString(),
      callback: null,
    },
    document: {
      documentId: randomUUID(),
      name: 'synthetic.txt',
      externalId: null,
      contentType: 'text/plain',
      sizeBytes: 1,
      sha256: sha256('x'),
      metadata: null,
    },
  };
}

/** Waits until the ledger holds `n` calls of the tenant. */
export async function billedCalls(tenantId: string, n: number, timeoutMs = 15_000): Promise<void> {
  await eventually(
    async () => ((await countRows('metering.billable_calls', 'tenant_id = $1', [tenantId])) === n ? true : undefined),
    timeoutMs,
    `${n} billable calls of ${tenantId}`,
  );
}

/** Waits until GET /v1/usage reports `n`. */
export async function usageReaches(key: string, n: number, timeoutMs = 15_000) {
  return eventually(
    async () => {
      const res = await api('GET', '/v1/usage', { key });
      return res.body.total_usage === n ? res.body : undefined;
    },
    timeoutMs,
    `usage ${n}`,
  );
}

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: Buffer;
  status: number;
}

/** A local webhook receiver; `answer` picks each request's status (by its 0-based index). */
export async function webhookReceiver(answer: (index: number) => number = () => 204) {
  const received: ReceivedWebhook[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const status = answer(received.length);
      received.push({ headers: req.headers, body: Buffer.concat(chunks), status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/hooks/usage`,
    received,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** Runs the built CLI with the run's environment. */
export function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const cli = resolve(__dirname, '..', '..', 'apps', 'cli', 'dist', 'main.js');
  return new Promise((done) => {
    execFile(
      process.execPath,
      [cli, ...args],
      { env: e2eState().env, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}
