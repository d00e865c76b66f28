import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { IsolatedSystem } from './support/isolated-system';
import { rawRequest, requestHead, sleep } from './support/raw-http';

/**
 * JSON opens of documents large enough to stream into the store (past the 256 KiB held in
 * memory): what is stored is exactly what was sent, and a body that goes wrong half-way —
 * invalid base64, a client that goes away — leaves no blob and no bill. A system of its own,
 * for a MAX_UPLOAD_BYTES of 4 MiB.
 */
describe('a JSON open streamed into the store', () => {
  let sys: IsolatedSystem;
  let apiKey: string;
  let tenantId: string;
  const doc = Buffer.from(Array.from({ length: 3 * 1024 * 1024 }, (_, i) => (i * 7919) % 251));

  const blobKeys = async () => {
    const keys: string[] = [];
    for await (const blob of sys.blobs.list()) keys.push(blob.key);
    return keys.sort();
  };
  const billed = async () =>
    Number(
      (
        await sys.query<{ n: string }>('SELECT count(*) AS n FROM metering.billable_calls WHERE tenant_id = $1', [
          tenantId,
        ])
      )[0].n,
    );
  const open = (body: string) =>
    fetch(`${sys.baseUrl}/v1/documents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body,
    });

  const del = (documentId: string) =>
    fetch(`${sys.baseUrl}/v1/documents/${documentId}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${apiKey}` },
    });

  beforeAll(async () => {
    sys = await IsolatedSystem.start('stream', { MAX_UPLOAD_BYTES: String(4 * 1024 * 1024) });
    const res = await fetch(`${sys.baseUrl}/v1/admin/tenants`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sys.t.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'stream' }),
    });
    ({ api_key: apiKey, tenant_id: tenantId } = (await res.json()) as { api_key: string; tenant_id: string });
  }, 180_000);

  afterAll(async () => {
    await sys?.stop();
  });

  it('stores exactly the bytes sent, options before or after the content, base64 with line breaks', async () => {
    const wrapped = doc.toString('base64').replace(/.{76}/g, '$&\n');
    for (const body of [
      JSON.stringify({ document: { name: 'big.bin' }, content_base64: wrapped }),
      `{"content_base64":${JSON.stringify(doc.toString('base64'))},"user":{"id":"u-1"},"document":{"name":"big.bin"}}`,
    ]) {
      const res = await open(body);
      expect(res.status).toBe(201);
      const { document_id: documentId } = (await res.json()) as { document_id: string };
      const meta = await fetch(`${sys.baseUrl}/v1/documents/${documentId}`, {
        headers: { authorization: `Bearer ${apiKey}` },
      });
      const described = (await meta.json()) as { size_bytes: number; sha256: string };
      expect(described).toMatchObject({
        size_bytes: doc.length,
        sha256: createHash('sha256').update(doc).digest('hex'),
      });
      await fetch(`${sys.baseUrl}/v1/documents/${documentId}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${apiKey}` },
      });
    }
  });

  it('holds no copy of the documents: five concurrent 3 MiB opens raise the gateway’s peak RSS by less than 16 MiB', async () => {
    // Parsed whole, each would be held as its raw body, the parsed string, a copy without
    // whitespace and the decoded bytes (about 15 MiB each); streamed, a few 64 KiB pieces.
    const peakKiB = () => {
      const status = readFileSync(`/proc/${sys.system.find('gateway').child.pid}/status`, 'utf8');
      return Number(/^VmHWM:\s+(\d+) kB/m.exec(status)![1]);
    };
    const body = JSON.stringify({ content_base64: doc.toString('base64') });
    await open(body).then(async (r) => del(((await r.json()) as { document_id: string }).document_id)); // warm
    const before = peakKiB();
    const answers = await Promise.all(Array.from({ length: 5 }, () => open(body)));
    const after = peakKiB();
    for (const r of answers) {
      expect(r.status).toBe(201);
      await del(((await r.json()) as { document_id: string }).document_id);
    }
    expect((after - before) / 1024).toBeLessThan(16);
  });

  it('invalid base64 after megabytes of good content: 400, no blob, no bill', async () => {
    const before = await blobKeys();
    const billedBefore = await billed();
    const res = await open(`{"content_base64":"${doc.toString('base64').slice(0, 2_000_000)}*AAA"}`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_request');
    await sleep(300);
    expect(await blobKeys()).toEqual(before);
    expect(await billed()).toBe(billedBefore);
  });

  it('a client that goes away half-way: no blob, no bill', async () => {
    const before = await blobKeys();
    const billedBefore = await billed();
    const body = `{"content_base64":"${doc.toString('base64')}"}`;
    await rawRequest(sys.t.ports.gateway, async (socket) => {
      socket.write(
        requestHead('POST', '/v1/documents', body.length, {
          authorization: `Bearer ${apiKey}`,
          'content-type': 'application/json',
        }),
      );
      socket.write(body.slice(0, 1_500_000));
      await sleep(300);
      socket.destroy();
    });
    await sleep(1000);
    expect(await blobKeys()).toEqual(before);
    expect(await billed()).toBe(billedBefore);
  });
});
