import { createHash, randomUUID } from 'node:crypto';
import { api, eventually, newTenant, openText } from './support/api';
import { blobExists } from './support/blobs';
import { query } from './support/database';
import { jsonOf, page, waitUntilEnded } from './support/page';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const AMELIA = { id: 'u-host', display_name: 'Amelia' };
const BO = { id: 'u-guest', display_name: 'Bo' };
/** The e2e system runs with the default VERSIONS_KEPT. */
const VERSIONS_KEPT = 10;

const versionBlob = (documentId: string, n: number) => `${documentId}-v${n}`;

async function versionRows(documentId: string): Promise<number[]> {
  const rows = await query<{ number: number }>(
    `SELECT number FROM session.document_versions WHERE document_id = $1 ORDER BY number`,
    [documentId],
  );
  return rows.map((r) => r.number);
}

async function storedVersionBlobs(documentId: string, upTo: number): Promise<number[]> {
  const numbers = Array.from({ length: upTo }, (_, i) => i + 1);
  const stored = await Promise.all(numbers.map((n) => blobExists(versionBlob(documentId, n))));
  return numbers.filter((_, i) => stored[i]);
}

function expectNotFound(res: { status: number; body: any }) {
  expect(res.status).toBe(404);
  expect(res.body).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
}

describe('saved versions while a document is live', () => {
  let key: string;
  beforeAll(async () => {
    key = (await newTenant()).api_key;
  });

  /** Opens another session and reads it back, which stores it even if the consumer is behind. */
  async function join(documentId: string, json: object) {
    const res = await api('POST', `/v1/documents/${documentId}/sessions`, { key, json });
    expect(res.status).toBe(201);
    await api('GET', `/v1/sessions/${res.body.session_id}`, { key });
    return res.body;
  }

  async function save(documentUrl: string, text: string): Promise<{ version: number; saved_at: string }> {
    const res = await page.save(documentUrl, text, 'text/plain');
    expect(res.status).toBe(200);
    return jsonOf(res);
  }

  const versionsOf = (documentId: string, as = key) => api('GET', `/v1/documents/${documentId}/versions`, { key: as });
  const versionContent = (documentId: string, n: number | string, method = 'GET', as = key) =>
    api(method, `/v1/documents/${documentId}/versions/${n}/content`, { key: as });

  it('keeps what each save replaces, with who saved it and when, serves each, and all go when the sessions end', async () => {
    const { body: host } = await openText(key, 'first draft', { user: AMELIA });
    const guest = await join(host.document_id, { user: BO });
    for (const s of [host, guest]) expect((await page.load(s.document_url)).status).toBe(200);
    const doc = (await api('GET', `/v1/documents/${host.document_id}`, { key })).body;
    expect((await versionsOf(host.document_id)).body).toEqual({ versions: [] });

    const second = await save(host.document_url, 'second draft, by Amelia');
    const third = await save(guest.document_url, 'third draft, by Bo');
    const fourth = await save(host.document_url, 'fourth and current');
    expect([second.version, third.version, fourth.version]).toEqual([2, 3, 4]);

    const listed = await versionsOf(host.document_id);
    expect(listed.status).toBe(200);
    const contents = ['first draft', 'second draft, by Amelia', 'third draft, by Bo'];
    expect(listed.body.versions).toEqual([
      {
        number: 3,
        size_bytes: Buffer.byteLength(contents[2]!),
        sha256: sha256(contents[2]!),
        saved_at: third.saved_at,
        session_id: guest.session_id,
        user: BO,
      },
      {
        number: 2,
        size_bytes: Buffer.byteLength(contents[1]!),
        sha256: sha256(contents[1]!),
        saved_at: second.saved_at,
        session_id: host.session_id,
        user: AMELIA,
      },
      {
        number: 1,
        size_bytes: Buffer.byteLength(contents[0]!),
        sha256: sha256(contents[0]!),
        saved_at: doc.created_at, // the upload
        session_id: host.session_id,
        user: AMELIA,
      },
    ]);

    for (const [i, text] of contents.entries()) {
      const n = i + 1;
      const res = await versionContent(host.document_id, n);
      expect(res.status).toBe(200);
      expect(res.text).toBe(text);
      expect(res.headers.get('content-type')).toBe(doc.content_type);
      expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength(text)));
      expect(res.headers.get('x-document-version')).toBe(String(n));
      const head = await versionContent(host.document_id, n, 'HEAD');
      expect(head.status).toBe(200);
      expect(head.text).toBe('');
      expect(head.headers.get('content-length')).toBe(String(Buffer.byteLength(text)));
    }
    // The current content is the document's, not a version; anything else names no version.
    for (const n of [4, 5, 0, -1, '01', '1.0', '1e0', 'abc', '99999999999', '2147483648']) {
      expectNotFound(await versionContent(host.document_id, n));
    }
    expect((await versionContent(host.document_id, 7, 'HEAD')).status).toBe(404);
    expect(await versionRows(host.document_id)).toEqual([1, 2, 3]);
    expect(await storedVersionBlobs(host.document_id, 4)).toEqual([1, 2, 3]);

    // The host leaves: the document is live, so are its versions.
    await api('DELETE', `/v1/sessions/${host.session_id}`, { key });
    expect((await versionsOf(host.document_id)).body.versions).toHaveLength(3);
    // The last session ends: the content and every version go, blobs and rows.
    await page.close(guest.document_url);
    await waitUntilEnded(key, guest.session_id, Date.now());
    expect(await blobExists(host.document_id)).toBe(false);
    expect(await storedVersionBlobs(host.document_id, 4)).toEqual([]);
    expect(await versionRows(host.document_id)).toEqual([]);
    expect((await versionsOf(host.document_id)).body).toEqual({ versions: [] });
    const after = await versionContent(host.document_id, 1);
    expect(after.status).toBe(410);
    expect(after.body.error.code).toBe('gone');
  });

  it(`keeps at most VERSIONS_KEPT (${VERSIONS_KEPT}): older ones go at once, blob and row`, async () => {
    const { body: s } = await openText(key, 'save 1');
    await page.load(s.document_url);
    const saves = VERSIONS_KEPT + 2;
    for (let i = 2; i <= saves + 1; i++) await save(s.document_url, `save ${i}`);
    // Versions 1 … saves were replaced; the newest VERSIONS_KEPT of them stay.
    const kept = Array.from({ length: VERSIONS_KEPT }, (_, i) => saves - i);
    const listed = await versionsOf(s.document_id);
    expect(listed.body.versions.map((v: { number: number }) => v.number)).toEqual(kept);
    expect(await versionRows(s.document_id)).toEqual([...kept].reverse());
    expect(await storedVersionBlobs(s.document_id, saves + 1)).toEqual([...kept].reverse());
    expect((await versionContent(s.document_id, kept[kept.length - 1]!)).text).toBe(
      `save ${saves - VERSIONS_KEPT + 1}`,
    );
    expectNotFound(await versionContent(s.document_id, 1));
    expectNotFound(await versionContent(s.document_id, 2));

    await api('DELETE', `/v1/documents/${s.document_id}`, { key });
    expect(await storedVersionBlobs(s.document_id, saves + 1)).toEqual([]);
    expect(await versionRows(s.document_id)).toEqual([]);
  });

  it('removes every version when the session expires', async () => {
    // Never loaded in a browser, so no idle timeout races the expiry.
    const { body: s } = await openText(key, 'short-lived', { ttl_seconds: 3 });
    await save(s.document_url, 'second');
    await save(s.document_url, 'third');
    expect(await storedVersionBlobs(s.document_id, 3)).toEqual([1, 2]);
    const { session } = await waitUntilEnded(key, s.session_id, Date.now());
    expect(session.close_reason).toBe('expired');
    await eventually(
      async () => ((await storedVersionBlobs(s.document_id, 3)).length === 0 ? true : undefined),
      5_000,
      'version blobs removed',
    );
    expect(await versionRows(s.document_id)).toEqual([]);
  });

  it('answers another tenant, or an unknown document, with the contract’s 404 and nothing of it', async () => {
    const { body: s } = await openText(key, 'mine', { user: AMELIA });
    await page.load(s.document_url);
    await save(s.document_url, 'mine, saved');
    const other = (await newTenant()).api_key;
    const unknown = randomUUID();
    const answers = [
      await versionsOf(s.document_id, other),
      await versionContent(s.document_id, 1, 'GET', other),
      await versionsOf(unknown),
      await versionContent(unknown, 1),
      await versionsOf('not-a-uuid'),
    ];
    for (const res of answers) {
      expectNotFound(res);
      expect(res.text).not.toContain(s.document_id);
      expect(res.text).not.toContain('mine');
    }
    expect(answers[0]!.body).toEqual(answers[2]!.body);
    expect(answers[1]!.body).toEqual(answers[3]!.body);
    expect((await versionContent(s.document_id, 1, 'HEAD', other)).status).toBe(404);
    expect((await versionContent(s.document_id, 1)).text).toBe('mine');
    await api('DELETE', `/v1/documents/${s.document_id}`, { key });
  });
});
