import { createHash } from 'node:crypto';
import { api, eventually, newTenant, openText } from './support/api';
import { blobExists } from './support/blobs';
import { query } from './support/database';
import { PAGE_TIMES } from './support/environment';
import { jsonOf, page, stagedBlobs, waitUntilEnded } from './support/page';

const sha256 = (data: string) => createHash('sha256').update(data).digest('hex');

describe('co-editing: several sessions on one document', () => {
  let tenant: Awaited<ReturnType<typeof newTenant>>;
  let key: string;
  beforeAll(async () => {
    tenant = await newTenant();
    key = tenant.api_key;
  });

  async function join(documentId: string, json: object = {}) {
    const res = await api('POST', `/v1/documents/${documentId}/sessions`, { key, json });
    expect(res.status).toBe(201);
    return res.body;
  }

  async function documentOf(documentId: string) {
    return (await api('GET', `/v1/documents/${documentId}`, { key })).body;
  }

  it('lists collaborators with the host, counts open sessions, and keeps the content until the last one leaves', async () => {
    const { body: host } = await openText(key, 'shared notes', {
      user: { id: 'u-host', display_name: 'Amelia' },
      ttl_seconds: 3600,
    });
    const guest = await join(host.document_id, { user: { id: 'u-guest', display_name: 'Bo' }, mode: 'view' });
    expect(guest).toMatchObject({ document_id: host.document_id, status: 'inactive', mode: 'view' });
    expect(guest.document_url).not.toBe(host.document_url);

    const doc = await documentOf(host.document_id);
    expect(doc).toMatchObject({ status: 'live', active_sessions_count: 2, sessions_count: 2 });
    expect(doc.expires_at).toBe(guest.expires_at); // the latest of its sessions: the guest's 6 h beat the host's 1 h
    expect(Date.parse(guest.expires_at)).toBeGreaterThan(Date.parse(host.expires_at));
    expect(doc.collaborators).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          session_id: host.session_id,
          user: { id: 'u-host', display_name: 'Amelia' },
          status: 'inactive',
          host: true,
        }),
        expect.objectContaining({
          session_id: guest.session_id,
          user: { id: 'u-guest', display_name: 'Bo' },
          status: 'inactive',
          host: false,
        }),
      ]),
    );
    expect(doc.collaborators).toHaveLength(2);

    // Both open their pages and see the same content.
    for (const s of [host, guest]) expect((await page.load(s.document_url)).status).toBe(200);
    for (const s of [host, guest]) expect(await (await page.content(s.document_url)).text()).toBe('shared notes');
    expect((await documentOf(host.document_id)).collaborators.map((c: { status: string }) => c.status)).toEqual([
      'active',
      'active',
    ]);

    // The host closes the tab: the guest keeps the document.
    await page.close(host.document_url);
    const { session: hostEnded } = await waitUntilEnded(key, host.session_id, Date.now());
    expect(hostEnded.close_reason).toBe('closed_by_user');
    expect(await blobExists(host.document_id)).toBe(true);
    expect(await (await page.content(guest.document_url)).text()).toBe('shared notes');
    expect((await page.content(host.document_url)).status).toBe(410);
    const afterHost = await documentOf(host.document_id);
    expect(afterHost).toMatchObject({ status: 'live', active_sessions_count: 1, sessions_count: 2 });
    expect(afterHost.collaborators).toEqual([
      expect.objectContaining({
        session_id: guest.session_id,
        user: { id: 'u-guest', display_name: 'Bo' },
        status: 'active',
        host: false,
      }),
    ]);
    expect(afterHost.expires_at).toBe(guest.expires_at);

    // The last one leaves: the content goes at once.
    await page.close(guest.document_url);
    const { elapsedMs } = await waitUntilEnded(key, guest.session_id, Date.now());
    expect(elapsedMs).toBeLessThanOrEqual((PAGE_TIMES.closeGraceSeconds + 1) * 1000);
    expect((await page.content(guest.document_url)).status).toBe(410);
    expect((await api('GET', `/v1/documents/${host.document_id}/content`, { key })).status).toBe(410);
    expect(await blobExists(host.document_id)).toBe(false);
    expect(await documentOf(host.document_id)).toMatchObject({
      status: 'purged',
      active_sessions_count: 0,
      collaborators: [],
    });

    // A purged document takes no more sessions.
    const late = await api('POST', `/v1/documents/${host.document_id}/sessions`, { key, json: {} });
    expect(late.status).toBe(410);
    expect(late.body.error.code).toBe('gone');
  });

  it('bills one call per session opened on the document', async () => {
    const fresh = await newTenant();
    const { body: host } = await openText(fresh.api_key, 'billed');
    for (let i = 0; i < 2; i++) {
      expect(
        (await api('POST', `/v1/documents/${host.document_id}/sessions`, { key: fresh.api_key, json: {} })).status,
      ).toBe(201);
    }
    await eventually(
      async () => ((await api('GET', '/v1/usage', { key: fresh.api_key })).body.total_usage === 3 ? true : undefined),
      10_000,
      'three billable calls',
    );
  });

  it('serialises concurrent saves of two co-editors: versions strictly increasing, none lost, last bytes win', async () => {
    const { body: a } = await openText(key, 'v1');
    const b = await join(a.document_id);
    for (const s of [a, b]) await page.load(s.document_url);

    const PER_EDITOR = 12;
    const saveAll = async (s: { document_url: string }, name: string) => {
      const versions: number[] = [];
      const texts = new Map<number, string>();
      await Promise.all(
        Array.from({ length: PER_EDITOR }, async (_, i) => {
          const text = `${name} save ${i}`;
          const res = await page.save(s.document_url, text);
          expect(res.status).toBe(200);
          const { version } = await jsonOf(res);
          versions.push(version);
          texts.set(version, text);
        }),
      );
      return { versions, texts };
    };
    const [fromA, fromB] = await Promise.all([saveAll(a, 'a'), saveAll(b, 'b')]);

    const all = [...fromA.versions, ...fromB.versions].sort((x, y) => x - y);
    const expected = Array.from({ length: 2 * PER_EDITOR }, (_, i) => i + 2);
    expect(all).toEqual(expected); // each version once, no gaps

    const last = expected[expected.length - 1];
    const lastText = fromA.texts.get(last) ?? fromB.texts.get(last)!;
    const doc = await documentOf(a.document_id);
    expect(doc).toMatchObject({ version: last, sha256: sha256(lastText), size_bytes: Buffer.byteLength(lastText) });
    for (const s of [a, b]) {
      const content = await page.content(s.document_url);
      expect(content.headers.get('x-document-version')).toBe(String(last));
      expect(await content.text()).toBe(lastText);
    }
    const audit = await query<{ version: number }>(
      `SELECT (details->>'version')::int AS version FROM session.audit_events
       WHERE document_id = $1 AND type = 'document.saved' ORDER BY id`,
      [a.document_id],
    );
    expect(audit.map((r) => r.version)).toEqual(expected); // committed in version order
    expect(await stagedBlobs()).toEqual([]);

    for (const s of [a, b]) await api('DELETE', `/v1/sessions/${s.session_id}`, { key });
    expect(await blobExists(a.document_id)).toBe(false);
  });
});
