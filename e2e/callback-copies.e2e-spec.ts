import { existsSync } from 'node:fs';
import { api, eventually, newTenant } from './support/api';
import { webhookReceiver } from './support/billing';
import { countRows, query } from './support/database';
import { page } from './support/page';
import { callbackEvents, copyPath, openWithCallback, partsOf } from './support/save-callbacks';

const MAX_PENDING = 3; // CALLBACK_MAX_PENDING's default, which the e2e run keeps

/**
 * Save-callback copies are bounded: while the partner is down, a document keeps at most
 * CALLBACK_MAX_PENDING pending deliveries (each with its copy of the saved bytes); a newer
 * save supersedes the oldest, which the audit trail records, and its copy goes.
 */
describe('save-callback copies', () => {
  it(`keep at most ${MAX_PENDING} pending per document: a newer save supersedes the oldest`, async () => {
    const t = await newTenant();
    let partnerUp = false;
    const hooks = await webhookReceiver(() => (partnerUp ? 200 : 503));
    try {
      const s = await openWithCallback(t, 'v1', { save_url: hooks.url, retries: 10 });
      for (let v = 2; v <= 6; v++) expect((await page.save(s.document_url, `version ${v}`)).status).toBe(200);

      const rows = await query<{ id: string; version: number; status: string }>(
        `SELECT id, version, status FROM session.save_deliveries WHERE document_id = $1 ORDER BY version`,
        [s.document_id],
      );
      expect(rows.map((r) => [r.version, r.status])).toEqual([
        [2, 'superseded'],
        [3, 'superseded'],
        [4, 'pending'],
        [5, 'pending'],
        [6, 'pending'],
      ]);
      const [v2, v3] = rows;
      const superseding = { [v2!.id]: rows[3]!.id, [v3!.id]: rows[4]!.id };
      const events = await callbackEvents(t, s.document_id);
      const superseded = events.filter((e) => e.details.superseded_by);
      expect(superseded.map((e) => [e.type, e.details.version, e.details.gave_up])).toEqual([
        ['callback.failed', 2, true],
        ['callback.failed', 3, true],
      ]);
      for (const e of superseded) expect(e.details.superseded_by).toBe(superseding[e.details.delivery_id as string]);
      // The superseded copies are gone; the pending ones are kept for their delivery.
      await eventually(
        async () => (rows.every((r) => existsSync(copyPath(r.id)) === (r.status === 'pending')) ? true : undefined),
        2_000,
        'only the pending deliveries keep a copy',
      );

      partnerUp = true;
      await eventually(
        async () => (hooks.received.filter((h) => h.status === 200).length === MAX_PENDING ? true : undefined),
        30_000,
        'the pending deliveries made once the partner is back',
      );
      const delivered = hooks.received.filter((h) => h.status === 200);
      const versions = await Promise.all(delivered.map(async (h) => (await partsOf(h)).meta.version as number));
      expect(versions.sort()).toEqual([4, 5, 6]);
      await api('DELETE', `/v1/sessions/${s.session_id}`, { key: t.api_key });
    } finally {
      await hooks.close();
    }
  });

  it.each([
    ['a name that is no token', { 'X Token': 'a' }],
    ['a value with a line break', { 'X-Token': 'a\r\nX-Injected: 1' }],
    ['a header docsession sets itself', { 'X-Docsession-Signature': 'sha256=forged' }],
  ])('refuses callback headers with %s at open time, storing and billing nothing', async (_, headers) => {
    const t = await newTenant();
    const res = await api('POST', '/v1/documents', {
      key: t.api_key,
      json: { content_base64: 'aGk=', callback: { save_url: 'https://partner.example/save', headers } },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    await new Promise((r) => setTimeout(r, 500));
    expect(await countRows('session.sessions', 'tenant_id = $1', [t.tenant_id])).toBe(0);
    expect(await countRows('metering.billable_calls', 'tenant_id = $1', [t.tenant_id])).toBe(0);
  });
});
