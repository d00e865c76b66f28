import { ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { startS3Server, type LocalS3Server } from '@docsession/local-instance';
import { parseConfig } from '@docsession/platform';
import { Readable } from 'node:stream';
import { describeBlobStoreContract, KEY, listAll, readAll } from './blob-store.contract';
import { blobStoreFor, S3BlobStore } from './index';

/** A real S3 API (s3rver, started here); each store gets a prefix of its own, so it starts empty. */
let server: LocalS3Server;
let raw: S3Client;
const stores: S3BlobStore[] = [];
let prefixes = 0;

beforeAll(async () => {
  server = await startS3Server('contract');
  raw = new S3Client({
    endpoint: server.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: {
      accessKeyId: server.settings.S3_ACCESS_KEY_ID!,
      secretAccessKey: server.settings.S3_SECRET_ACCESS_KEY!,
    },
  });
}, 30_000);

afterAll(async () => {
  for (const store of stores) store.close();
  raw?.destroy();
  await server?.stop();
});

function s3Store(prefix = `run-${++prefixes}/`): S3BlobStore {
  const store = blobStoreFor(parseConfig({ ...server.settings, S3_PREFIX: prefix }));
  if (!(store instanceof S3BlobStore)) throw new Error('expected the S3 store');
  stores.push(store);
  return store;
}

async function bucketKeys(prefix = ''): Promise<string[]> {
  const out = await raw.send(new ListObjectsV2Command({ Bucket: server.bucket, Prefix: prefix }));
  return (out.Contents ?? []).map((o) => o.Key!).sort();
}

describeBlobStoreContract('S3BlobStore', async () => s3Store());

describe('S3BlobStore in its bucket', () => {
  jest.setTimeout(30_000);

  it('keeps a blob as the object <prefix><key>, and removes it from the bucket', async () => {
    const store = s3Store('tenant/blobs/');
    await store.write(KEY, Buffer.from('a'), 10);
    expect(await bucketKeys('tenant/')).toEqual([`tenant/blobs/${KEY}`]);
    await store.delete(KEY);
    expect(await bucketKeys('tenant/')).toEqual([]);
  });

  it('lists only the blobs directly under its prefix', async () => {
    const store = s3Store('mine/');
    await store.write('a1', Buffer.from('a'), 10);
    for (const key of ['other/a2', 'mine/nested/a3', 'mine/not.a.key', 'mine-too/a4']) {
      await raw.send(new PutObjectCommand({ Bucket: server.bucket, Key: key, Body: 'x' }));
    }
    expect((await listAll(store)).map((e) => e.key)).toEqual(['a1']);
    expect(await store.exists('a4')).toBe(false);
  });

  it('leaves nothing in the bucket when a multipart write fails', async () => {
    const store = s3Store('failing/');
    const source = (async function* () {
      for (let i = 0; i < 7; i++) yield Buffer.alloc(1024 * 1024, i);
      throw new Error('client went away');
    })();
    await expect(store.write(KEY, Readable.from(source), 1e9)).rejects.toThrow('client went away');
    expect(await bucketKeys('failing/')).toEqual([]);
  });

  it('reads what another client wrote, and fails at start when the bucket is missing', async () => {
    await raw.send(new PutObjectCommand({ Bucket: server.bucket, Key: 'shared/doc', Body: 'from elsewhere' }));
    expect((await readAll(await s3Store('shared/').read('doc'))).toString()).toBe('from elsewhere');
    await expect(s3Store().assertReachable()).resolves.toBeUndefined();
    const missing = blobStoreFor(parseConfig({ ...server.settings, S3_BUCKET: 'no-such-bucket' })) as S3BlobStore;
    stores.push(missing);
    await expect(missing.assertReachable()).rejects.toThrow(/no-such-bucket is not reachable/);
  });

  it('takes only the names of incomplete multipart uploads for deleteTemporary', async () => {
    // s3rver can neither list nor abort multipart uploads: list() still yields the blobs (with a
    // warning), and a well-formed upload name reaches the server.
    const store = s3Store();
    await store.write(KEY, Buffer.from('a'), 10);
    expect((await listAll(store)).map((e) => e.key)).toEqual([KEY]);
    await expect(store.deleteTemporary(`upload/${KEY}`)).rejects.toThrow(/Not a temporary blob/);
    await expect(store.deleteTemporary(`upload/../x/id`)).rejects.toThrow(/Not a temporary blob/);
    await expect(store.deleteTemporary(`upload/${KEY}/some-id`)).rejects.toMatchObject({ name: 'MethodNotAllowed' });
  });
});
