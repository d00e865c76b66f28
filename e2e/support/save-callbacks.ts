import { callbackCopyKey } from '@docsession/sessions';
import { createHmac, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { api, eventually, newTenant } from './api';
import type { ReceivedWebhook } from './billing';
import { query } from './database';
import { e2eState } from './state';

// Helpers of the save-callback tests: opens with a callback, the audit trail, the copies on disk.

export type Tenant = Awaited<ReturnType<typeof newTenant>>;

/** Where the local blob store keeps a delivery's copy of the saved bytes. */
export const copyPath = (deliveryId: string) => join(e2eState().dataDir, 'blobs', 'cb', callbackCopyKey(deliveryId));

export async function openWithCallback(t: Tenant, text: string, callback: Record<string, unknown>, extra: object = {}) {
  const res = await api('POST', '/v1/documents', {
    key: t.api_key,
    json: {
      content_base64: Buffer.from(text).toString('base64'),
      document: { name: 'minutes.md', external_id: 'crm-4711', content_type: 'text/markdown' },
      user: { id: 'u-17', display_name: 'Amelia' },
      metadata: { case: 42, tags: ['board'] },
      callback,
      ...extra,
    },
  });
  if (res.status !== 201) throw new Error(`open failed: ${res.status} ${res.text}`);
  return res.body as { session_id: string; document_id: string; document_url: string };
}

export async function callbackEvents(t: Tenant, documentId: string) {
  const res = await api('GET', `/v1/documents/${documentId}/events`, { key: t.api_key });
  expect(res.status).toBe(200);
  return (res.body.events as { type: string; session_id: string; details: any }[]).filter((e) =>
    e.type.startsWith('callback.'),
  );
}

/** Waits until the delivery has ended (delivered or given up) in the audit trail. */
export async function deliveryEnded(t: Tenant, documentId: string, timeoutMs = 15_000) {
  return eventually(
    async () => {
      const events = await callbackEvents(t, documentId);
      const last = events[events.length - 1];
      return last && (last.type === 'callback.delivered' || last.details.gave_up) ? events : undefined;
    },
    timeoutMs,
    `the save callback of ${documentId} to end`,
  );
}

export async function deliveryRow(deliveryId: string) {
  const [row] = await query<{ status: string; attempts: number; finished_at: Date | null }>(
    `SELECT status, attempts, finished_at FROM session.save_deliveries WHERE id = $1`,
    [deliveryId],
  );
  return row;
}

export const TWO_HOURS_AGO = new Date(Date.now() - 2 * 3600_000);

/** Runs the purge now and waits until its run is recorded as finished. */
export async function purgeNow() {
  const started = await api('POST', '/v1/admin/purge', { key: e2eState().adminToken });
  expect(started.status).toBe(202);
  return eventually(
    async () => {
      const runs = await api('GET', '/v1/admin/purge-runs', { key: e2eState().adminToken });
      const run = runs.body.runs.find((r: { run_id: string }) => r.run_id === started.body.run_id);
      return run?.finished_at ? run : undefined;
    },
    20_000,
    'the purge run',
  );
}

export const signatureOf = (secret: string, body: Buffer) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

/** The request's parts, parsed by the platform's own multipart parser, as a partner would. */
export async function partsOf(hook: ReceivedWebhook) {
  const form = await new Response(hook.body, {
    headers: { 'content-type': String(hook.headers['content-type']) },
  }).formData();
  const file = form.get('content') as File;
  return {
    names: [...form.keys()],
    file: { name: file.name, type: file.type, text: Buffer.from(await file.arrayBuffer()).toString() },
    meta: JSON.parse(form.get('meta') as string),
  };
}

/** Inserts a pending delivery of version 2 of the session's document, and its copy, as a save would. */
export async function pendingDeliveryWithoutJob(
  s: { session_id: string; document_id: string },
  bytes: string,
): Promise<string> {
  const deliveryId = randomUUID();
  // The open's 201 comes before the session service has stored it (read-your-writes covers the API).
  await eventually(
    async () =>
      (await query(`SELECT 1 FROM session.sessions WHERE id = $1`, [s.session_id])).length ? true : undefined,
    10_000,
    'the session stored',
  );
  mkdirSync(join(e2eState().dataDir, 'blobs', 'cb'), { recursive: true });
  writeFileSync(copyPath(deliveryId), bytes);
  await query(
    `INSERT INTO session.save_deliveries (id, tenant_id, document_id, session_id, version, saved_at, max_attempts)
     SELECT $1, tenant_id, document_id, id, 2, now(), 4 FROM session.sessions WHERE id = $2`,
    [deliveryId, s.session_id],
  );
  return deliveryId;
}
