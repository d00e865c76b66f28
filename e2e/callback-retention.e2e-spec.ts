import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { callbackCopyKey } from '@docsession/sessions';
import { api, eventually } from './support/api';
import { webhookReceiver } from './support/billing';
import { IsolatedSystem } from './support/isolated-system';

const MAX_AGE_SECONDS = 2;

/**
 * What save callbacks keep has an end, on an instance of its own with a 2-second
 * CALLBACK_MAX_AGE_SECONDS and a check every second: a delivery the partner never takes is
 * given up that long after its document ended, with its copy; and a session's callback
 * headers go from its row once the session has ended and no delivery needs them.
 */
describe('save-callback retention', () => {
  let sys: IsolatedSystem;

  beforeAll(async () => {
    sys = await IsolatedSystem.start('cbage', {
      CALLBACK_MAX_AGE_SECONDS: String(MAX_AGE_SECONDS),
      CALLBACK_RECOVERY_SECONDS: '1',
      URL_IMPORT_ALLOW_PRIVATE: 'true',
    });
  }, 180_000);
  afterAll(() => sys?.stop(), 60_000);

  async function openWithCallback(callback: Record<string, unknown>) {
    const tenant = await api('POST', `${sys.baseUrl}/v1/admin/tenants`, { key: sys.t.adminToken, json: { name: 'x' } });
    const key = tenant.body.api_key as string;
    const res = await api('POST', `${sys.baseUrl}/v1/documents`, {
      key,
      json: { content_base64: Buffer.from('v1').toString('base64'), document: { name: 'a.txt' }, callback },
    });
    expect(res.status).toBe(201);
    return { key, ...(res.body as { session_id: string; document_id: string; document_url: string }) };
  }
  const save = (documentUrl: string, text: string) => fetch(`${documentUrl}/content`, { method: 'PUT', body: text });
  const storedCallback = async (sessionId: string) =>
    (
      await sys.query<{ callback: Record<string, unknown> }>('SELECT callback FROM session.sessions WHERE id = $1', [
        sessionId,
      ])
    )[0]!.callback;

  it('gives up a delivery CALLBACK_MAX_AGE_SECONDS after its document ended, and removes its copy', async () => {
    const partner = await webhookReceiver(() => 503);
    try {
      const s = await openWithCallback({ save_url: partner.url, retries: 20, headers: { 'X-Token': 'secret' } });
      expect((await save(s.document_url, 'v2')).status).toBe(200);
      const [delivery] = await sys.query<{ id: string }>(
        'SELECT id FROM session.save_deliveries WHERE document_id = $1',
        [s.document_id],
      );
      const copy = join(sys.t.dataDir, 'blobs', 'cb', callbackCopyKey(delivery!.id));
      expect(existsSync(copy)).toBe(true);

      expect((await api('DELETE', `${sys.baseUrl}/v1/sessions/${s.session_id}`, { key: s.key })).status).toBe(200);
      const ended = Date.now();
      // Still pending, so the session keeps the headers its delivery sends.
      await new Promise((r) => setTimeout(r, 1_200));
      expect(await storedCallback(s.session_id)).toMatchObject({ headers: { 'X-Token': 'secret' } });

      const row = await eventually(
        async () => {
          const [r] = await sys.query<{ status: string; finished_at: Date }>(
            'SELECT status, finished_at FROM session.save_deliveries WHERE id = $1',
            [delivery!.id],
          );
          return r!.status === 'pending' ? undefined : r;
        },
        10_000,
        'the delivery given up',
      );
      expect(row.status).toBe('failed');
      expect(row.finished_at.getTime() - ended).toBeGreaterThanOrEqual(MAX_AGE_SECONDS * 1000 - 500);
      const events = await api('GET', `${sys.baseUrl}/v1/documents/${s.document_id}/events`, { key: s.key });
      const last = (events.body.events as { type: string; details: Record<string, unknown> }[]).at(-1)!;
      expect(last).toMatchObject({ type: 'callback.failed', details: { delivery_id: delivery!.id, gave_up: true } });
      await eventually(async () => (existsSync(copy) ? undefined : true), 3_000, 'the copy removed');
      // No delivery needs the headers any more: they go; the rest of the callback stays.
      await eventually(
        async () => ((await storedCallback(s.session_id)).headers === undefined ? true : undefined),
        3_000,
        'the callback headers removed',
      );
      expect(await storedCallback(s.session_id)).toEqual({ save_url: partner.url, retries: 20 });
    } finally {
      await partner.close();
    }
  });

  it('keeps the headers of a live session, and removes them once it ends', async () => {
    const s = await openWithCallback({ save_url: 'https://partner.example/save', headers: { 'X-Token': 'secret' } });
    await new Promise((r) => setTimeout(r, 1_500));
    expect((await storedCallback(s.session_id)).headers).toEqual({ 'X-Token': 'secret' });
    expect((await api('DELETE', `${sys.baseUrl}/v1/sessions/${s.session_id}`, { key: s.key })).status).toBe(200);
    await eventually(
      async () => ((await storedCallback(s.session_id)).headers === undefined ? true : undefined),
      5_000,
      'the callback headers removed',
    );
  });
});
