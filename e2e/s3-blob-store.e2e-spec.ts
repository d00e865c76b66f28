import { startS3Server, type LocalS3Server } from '@docsession/local-instance';
import { parseConfig } from '@docsession/platform';
import { blobStoreFor, S3BlobStore } from '@docsession/storage';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { api, eventually } from './support/api';
import { IsolatedSystem } from './support/isolated-system';

const MIB = 1024 * 1024;
const PREFIX = 'docs/';
const ORPHAN_GRACE_SECONDS = 1;

/**
 * A whole system on BLOB_STORE=s3, against an S3 server (s3rver) this file starts: documents go
 * into the bucket and come back out, saves replace them, the end of a session removes them within
 * a second, the purge finds orphans by listing the prefix — and DATA_DIR never holds a document byte.
 */
describe('a system on the S3 blob store', () => {
  let s3: LocalS3Server;
  let sys: IsolatedSystem;
  let blobs: S3BlobStore;
  let key: string;

  beforeAll(async () => {
    s3 = await startS3Server('e2e-docs');
    sys = await IsolatedSystem.start('s3', {
      ...s3.settings,
      S3_PREFIX: PREFIX,
      ORPHAN_BLOB_GRACE_SECONDS: String(ORPHAN_GRACE_SECONDS),
      // Big enough for a multipart upload (parts are 5 MiB).
      MAX_UPLOAD_BYTES: String(12 * MIB),
    });
    if (!(sys.blobs instanceof S3BlobStore)) throw new Error('the isolated system should use the S3 store');
    blobs = sys.blobs;
    const tenant = await api('POST', `${sys.baseUrl}/v1/admin/tenants`, {
      key: sys.t.adminToken,
      json: { name: 's3' },
    });
    key = tenant.body.api_key;
  }, 120_000);

  afterAll(async () => {
    await sys?.stop();
    await s3?.stop();
  }, 60_000);

  const open = (text: string, options: Record<string, unknown> = {}) =>
    api('POST', `${sys.baseUrl}/v1/documents`, {
      key,
      json: { content_base64: Buffer.from(text).toString('base64'), document: { name: 'note.txt' }, ...options },
    });
  const content = (documentId: string) =>
    fetch(`${sys.baseUrl}/v1/documents/${documentId}/content`, { headers: { authorization: `Bearer ${key}` } });

  async function bucketKeys(): Promise<string[]> {
    const keys: string[] = [];
    for await (const blob of blobs.list()) keys.push(blob.key);
    return keys.sort();
  }

  /** Waits for the object to go; returns when that was seen. */
  const removedAt = (documentId: string) =>
    eventually(async () => ((await blobs.exists(documentId)) ? undefined : Date.now()), 10_000, 'object removed', 20);

  it('stores an opened document in the bucket and serves it from there', async () => {
    const res = await open('kept in a bucket');
    expect(res.status).toBe(201);
    expect(await blobs.exists(res.body.document_id)).toBe(true);
    const served = await content(res.body.document_id);
    expect(served.status).toBe(200);
    expect(await served.text()).toBe('kept in a bucket');
  });

  it('streams a multipart upload of several parts into one object, hashed as it went', async () => {
    const bytes = randomBytes(11 * MIB);
    const form = new FormData();
    form.append('file', new Blob([bytes], { type: 'application/octet-stream' }), 'big.bin');
    const res = await api('POST', `${sys.baseUrl}/v1/documents`, { key, body: form });
    expect(res.status).toBe(201);
    const documentId: string = res.body.document_id;
    const back = Buffer.from(await (await content(documentId)).arrayBuffer());
    expect(back.equals(bytes)).toBe(true);
    const [row] = await sys.query<{ sha256: string; size_bytes: string }>(
      `SELECT sha256, size_bytes FROM session.documents WHERE id = $1`,
      [documentId],
    );
    expect(row).toEqual({ sha256: createHash('sha256').update(bytes).digest('hex'), size_bytes: String(bytes.length) });
  });

  it('refuses a document over MAX_UPLOAD_BYTES with nothing left in the bucket', async () => {
    const before = await bucketKeys();
    const form = new FormData();
    form.append('file', new Blob([randomBytes(13 * MIB)]), 'too-big.bin');
    const res = await api('POST', `${sys.baseUrl}/v1/documents`, { key, body: form });
    expect(res.status).toBe(413);
    expect(await bucketKeys()).toEqual(before);
  });

  it('saves from the page onto the same object, leaving no staged object', async () => {
    const { body: s } = await open('first draft');
    await fetch(s.document_url);
    const saved = await fetch(`${s.document_url}/content`, { method: 'PUT', body: 'second draft' });
    expect(saved.status).toBe(200);
    expect(await (await content(s.document_id)).text()).toBe('second draft');
    expect((await bucketKeys()).filter((k) => k.includes('save-'))).toEqual([]);
  });

  it('removes the object within 1 s of expires_at, and at once when the session is deleted', async () => {
    const expiring = await Promise.all(Array.from({ length: 5 }, (_, i) => open(`expiring ${i}`, { ttl_seconds: 2 })));
    const { body: deleted } = await open('deleted by its owner');
    expect(await blobs.exists(deleted.document_id)).toBe(true);

    const deletedAt = Date.now();
    expect((await api('DELETE', `${sys.baseUrl}/v1/sessions/${deleted.session_id}`, { key })).status).toBe(200);
    expect((await removedAt(deleted.document_id)) - deletedAt).toBeLessThanOrEqual(1_000);

    const lags = await Promise.all(
      expiring.map(async ({ body }) => (await removedAt(body.document_id)) - Date.parse(body.expires_at)),
    );
    for (const lag of lags) expect(lag).toBeLessThanOrEqual(1_000);
    for (const { body } of expiring) expect((await content(body.document_id)).status).toBe(410);
  });

  it('purges orphans found by listing the prefix, and leaves live documents and other prefixes alone', async () => {
    const { body: live } = await open('still open');
    // What crashes leave: a document's bytes with no document row, a staged save, a callback copy.
    const orphans = [randomUUID(), `save-${randomUUID()}`, `cb-${randomUUID()}`];
    for (const orphan of orphans) await blobs.write(orphan, Buffer.from('left behind'), 100);
    const neighbour = blobStoreFor(parseConfig({ ...s3.settings, S3_PREFIX: 'someone-else/' }));
    const stranger = randomUUID();
    try {
      await neighbour.write(stranger, Buffer.from('not ours'), 100);
      // Object times have a resolution of one second: let the grace pass for certain.
      await new Promise((r) => setTimeout(r, (ORPHAN_GRACE_SECONDS + 1.5) * 1000));

      const started = await api('POST', `${sys.baseUrl}/v1/admin/purge`, { key: sys.t.adminToken });
      expect(started.status).toBe(202);
      const run = await eventually(
        async () => {
          const runs = await api('GET', `${sys.baseUrl}/v1/admin/purge-runs`, { key: sys.t.adminToken });
          const found = runs.body.runs.find((r: { run_id: string }) => r.run_id === started.body.run_id);
          return found?.finished_at ? found : undefined;
        },
        20_000,
        'the purge run finished',
      );
      expect(run.error).toBeNull();
      expect(run.removed.orphan_blobs).toBeGreaterThanOrEqual(orphans.length);
      for (const orphan of orphans) expect(await blobs.exists(orphan)).toBe(false);
      expect(await blobs.exists(live.document_id)).toBe(true);
      expect(await neighbour.exists(stranger)).toBe(true);
    } finally {
      neighbour.close();
    }
  });

  it('never wrote a document byte under DATA_DIR', () => {
    expect(existsSync(join(sys.t.dataDir, 'blobs'))).toBe(false);
    // Only the generated secrets, if any, live there.
    for (const name of readdirSync(sys.t.dataDir)) expect(name).toMatch(/\.secret$/);
  });
});
