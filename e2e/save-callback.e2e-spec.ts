import 'reflect-metadata';
import { createDataSource } from '@docsession/platform';
import { SaveDeliveryStore } from '@docsession/sessions';
import { TenancyService } from '@docsession/tenancy';
import { PUBLIC_ONLY } from '@docsession/url-import';
import { randomUUID } from 'node:crypto';
import { existsSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import type { DataSource } from 'typeorm';
import { SaveCallbackDelivery } from '../apps/worker/src/save-callbacks/save-callback-delivery';
import { api, eventually, newTenant } from './support/api';
import { webhookReceiver } from './support/billing';
import { blobExists, instanceBlobStore } from './support/blobs';
import { query } from './support/database';
import { page, sleep } from './support/page';
import {
  callbackEvents,
  copyPath,
  deliveryEnded,
  deliveryRow,
  openWithCallback,
  partsOf,
  pendingDeliveryWithoutJob,
  purgeNow,
  signatureOf,
  TWO_HOURS_AGO,
  type Tenant,
} from './support/save-callbacks';
import { e2eState } from './support/state';

const receivers: { close(): Promise<void> }[] = [];
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
});
async function receiver(answer: (index: number) => number) {
  const hooks = await webhookReceiver(answer);
  receivers.push(hooks);
  return hooks;
}

describe('save callbacks', () => {
  let t: Tenant;
  beforeAll(async () => {
    t = await newTenant();
  });

  it('delivers a save once, signed, after two failures, with every attempt in the audit trail', async () => {
    const hooks = await receiver((i) => (i < 2 ? 500 : 200));
    const s = await openWithCallback(t, '# Minutes\n', {
      save_url: hooks.url,
      headers: { 'X-Token': 'partner-token' },
      retries: 3,
    });
    const saved = await page.save(s.document_url, '# Minutes\n\nAgreed: ship it ✓\n', 'text/markdown');
    expect(saved.status).toBe(200);
    const { version, saved_at } = (await saved.json()) as { version: number; saved_at: string };
    expect(version).toBe(2);

    const events = await deliveryEnded(t, s.document_id);
    expect(events.map((e) => [e.type, e.details.attempt, e.details.http_status, e.details.gave_up])).toEqual([
      ['callback.failed', 1, 500, false],
      ['callback.failed', 2, 500, false],
      ['callback.delivered', 3, 200, undefined],
    ]);
    for (const e of events) {
      expect(e.session_id).toBe(s.session_id);
      expect(e.details).toMatchObject({ version: 2, max_attempts: 4 });
    }

    expect(hooks.received.map((h) => h.status)).toEqual([500, 500, 200]);
    const deliveryId = String(hooks.received[0]!.headers['x-docsession-delivery']);
    for (const hook of hooks.received) {
      // The same bytes every time, signed over exactly what arrived, named by one delivery id.
      expect(hook.body.equals(hooks.received[0]!.body)).toBe(true);
      expect(hook.headers['x-docsession-signature']).toBe(signatureOf(t.webhook_secret, hook.body));
      expect(hook.headers['x-docsession-delivery']).toBe(deliveryId);
      expect(hook.headers['x-token']).toBe('partner-token');
      expect(hook.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    }
    const parts = await partsOf(hooks.received[2]!);
    expect(parts.names).toEqual(['content', 'meta']);
    expect(parts.file).toEqual({ name: 'minutes.md', type: 'text/markdown', text: '# Minutes\n\nAgreed: ship it ✓\n' });
    expect(parts.meta).toEqual({
      delivery_id: deliveryId,
      document_id: s.document_id,
      external_id: 'crm-4711',
      session_id: s.session_id,
      user: { id: 'u-17', display_name: 'Amelia' },
      version: 2,
      saved_at,
      metadata: { case: 42, tags: ['board'] },
    });
    expect(events[2]!.details.delivery_id).toBe(deliveryId);

    // Delivered once: no attempt after the success, and the copy went at once.
    expect(existsSync(copyPath(deliveryId))).toBe(false);
    expect(await deliveryRow(deliveryId)).toMatchObject({ status: 'delivered', attempts: 3 });
    await sleep(1_000);
    expect(hooks.received).toHaveLength(3);
    await api('DELETE', `/v1/sessions/${s.session_id}`, { key: t.api_key });
  });

  it('keeps a pending delivery’s bytes when the session ends, through a purge, until it is delivered', async () => {
    let partnerUp = false;
    const hooks = await receiver(() => (partnerUp ? 204 : 503));
    const s = await openWithCallback(t, 'draft', { save_url: hooks.url, retries: 10 });
    expect((await page.save(s.document_url, 'final text')).status).toBe(200);
    await eventually(async () => (hooks.received.length >= 1 ? true : undefined), 10_000, 'a first attempt');
    const deliveryId = String(hooks.received[0]!.headers['x-docsession-delivery']);

    expect((await api('DELETE', `/v1/sessions/${s.session_id}`, { key: t.api_key })).status).toBe(200);
    expect((await api('GET', `/v1/documents/${s.document_id}/content`, { key: t.api_key })).status).toBe(410);
    expect(await blobExists(s.document_id)).toBe(false);
    expect(existsSync(copyPath(deliveryId))).toBe(true);

    // The purge leaves the copy of a pending delivery alone, however old it looks.
    utimesSync(copyPath(deliveryId), TWO_HOURS_AGO, TWO_HOURS_AGO);
    await purgeNow();
    expect(existsSync(copyPath(deliveryId))).toBe(true);
    expect((await deliveryRow(deliveryId)).status).toBe('pending');

    partnerUp = true;
    const events = await deliveryEnded(t, s.document_id, 30_000);
    expect(events[events.length - 1]).toMatchObject({ type: 'callback.delivered', details: { http_status: 204 } });
    expect(events.filter((e) => e.type === 'callback.failed').every((e) => e.details.gave_up === false)).toBe(true);
    await eventually(async () => (existsSync(copyPath(deliveryId)) ? undefined : true), 1_000, 'the copy removed');
    const delivered = hooks.received[hooks.received.length - 1]!;
    expect((await partsOf(delivered)).file.text).toBe('final text');
    expect(await blobExists(s.document_id)).toBe(false);
  });

  it('is backed by the purge: a copy left behind by an ended delivery goes at the next run', async () => {
    const hooks = await receiver(() => 200);
    const s = await openWithCallback(t, 'one', { save_url: hooks.url });
    expect((await page.save(s.document_url, 'two')).status).toBe(200);
    const [delivered] = await deliveryEnded(t, s.document_id);
    const deliveryId = delivered!.details.delivery_id as string;
    // What a crash between recording the end and deleting the copy would leave (fresh: no grace applies).
    writeFileSync(copyPath(deliveryId), 'two');
    const orphanId = randomUUID(); // a copy whose save never committed: kept for the orphan grace
    writeFileSync(copyPath(orphanId), 'uncommitted');
    await purgeNow();
    expect(existsSync(copyPath(deliveryId))).toBe(false);
    expect(existsSync(copyPath(orphanId))).toBe(true);
    utimesSync(copyPath(orphanId), TWO_HOURS_AGO, TWO_HOURS_AGO);
    await purgeNow();
    expect(existsSync(copyPath(orphanId))).toBe(false);
    await api('DELETE', `/v1/sessions/${s.session_id}`, { key: t.api_key });
  });

  it('gives up after retries + 1 attempts and removes the copy at once', async () => {
    const hooks = await receiver(() => 500);
    const s = await openWithCallback(t, 'v1', { save_url: hooks.url, retries: 2 });
    expect((await page.save(s.document_url, 'v2')).status).toBe(200);

    const events = await deliveryEnded(t, s.document_id);
    expect(events.map((e) => [e.type, e.details.attempt, e.details.gave_up])).toEqual([
      ['callback.failed', 1, false],
      ['callback.failed', 2, false],
      ['callback.failed', 3, true],
    ]);
    const deliveryId = events[0]!.details.delivery_id as string;
    expect(existsSync(copyPath(deliveryId))).toBe(false);
    expect(await deliveryRow(deliveryId)).toMatchObject({ status: 'failed', attempts: 3 });
    await sleep(1_500); // well past the next backoff
    expect(hooks.received).toHaveLength(3);
    await api('DELETE', `/v1/sessions/${s.session_id}`, { key: t.api_key });
  });

  it('delivers a pending save whose job Redis lost (or never got): PostgreSQL is the record', async () => {
    const hooks = await receiver(() => 200);
    const s = await openWithCallback(t, 'before', { save_url: hooks.url });
    // What a save leaves when Redis was down at its commit: the row and the copy, no job.
    const deliveryId = await pendingDeliveryWithoutJob(s, 'saved while Redis was away');

    const events = await deliveryEnded(t, s.document_id, 15_000);
    expect(events.map((e) => [e.type, e.details.delivery_id])).toEqual([['callback.delivered', deliveryId]]);
    expect(hooks.received).toHaveLength(1);
    expect((await partsOf(hooks.received[0]!)).file.text).toBe('saved while Redis was away');
    expect(existsSync(copyPath(deliveryId))).toBe(false);
    await api('DELETE', `/v1/sessions/${s.session_id}`, { key: t.api_key });
  });

  it('makes no callback for a save that is refused, and leaves no copy', async () => {
    const hooks = await receiver(() => 200);
    const s = await openWithCallback(t, 'read only', { save_url: hooks.url }, { mode: 'view' });
    expect((await page.save(s.document_url, 'nope')).status).toBe(403);
    await api('DELETE', `/v1/sessions/${s.session_id}`, { key: t.api_key });
    await sleep(500);
    expect(hooks.received).toEqual([]);
    expect(await query(`SELECT id FROM session.save_deliveries WHERE session_id = $1`, [s.session_id])).toEqual([]);
  });
});

describe('a save callback under the strict address policy', () => {
  let db: DataSource;
  let delivery: SaveCallbackDelivery;
  let listener: Server;
  let connections = 0;
  let port = 0;

  beforeAll(async () => {
    const env = e2eState().env;
    db = createDataSource({ DATABASE_URL: env.DATABASE_URL!, DB_POOL_SIZE: 2 });
    await db.initialize();
    // The worker's delivery code with the production policy (the shared worker allows loopback).
    delivery = new SaveCallbackDelivery(
      new SaveDeliveryStore(db),
      instanceBlobStore(env),
      new TenancyService(db),
      env.SECRET_KEY!,
      PUBLIC_ONLY,
      3_600,
    );
    listener = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((r) => listener.listen(0, '127.0.0.1', () => r()));
    port = (listener.address() as { port: number }).port;
  });
  afterAll(async () => {
    await db?.destroy();
    await new Promise<void>((r) => listener.close(() => r()));
  });

  it.each([
    ['a loopback address', (p: number) => `http://127.0.0.1:${p}/save`],
    ['a name that resolves to loopback', (p: number) => `http://localhost:${p}/save`],
    ['the metadata address', () => 'http://169.254.169.254/latest/meta-data'],
  ])('refuses %s without connecting, records the failed attempt and removes the copy', async (_what, url) => {
    const t = await newTenant();
    const s = await openWithCallback(t, 'secret plans', { save_url: url(port), retries: 3 });
    const deliveryId = await pendingDeliveryWithoutJob(s, 'secret plans v2');

    expect(await delivery.attempt(deliveryId, false)).toBe('gave_up');

    expect(connections).toBe(0);
    const events = await callbackEvents(t, s.document_id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'callback.failed',
      session_id: s.session_id,
      details: { delivery_id: deliveryId, attempt: 1, gave_up: true },
    });
    expect(events[0]!.details.error).toEqual(expect.any(String));
    expect(events[0]!.details.http_status).toBeUndefined();
    expect(existsSync(copyPath(deliveryId))).toBe(false);
    expect(await deliveryRow(deliveryId)).toMatchObject({ status: 'failed', attempts: 1 });
    // Ended is ended: running the job again changes nothing.
    expect(await delivery.attempt(deliveryId, false)).toBe('ended');
    expect(await callbackEvents(t, s.document_id)).toHaveLength(1);
    await api('DELETE', `/v1/sessions/${s.session_id}`, { key: t.api_key });
  });
});
