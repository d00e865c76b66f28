import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { BlobTooLargeError, LocalBlobStore } from './index';

const KEY = '3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6b';
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Every file under dir, relative, so a test can assert nothing (not even a .partial) was left. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

async function listAll(store: LocalBlobStore) {
  const out: { key: string; modifiedAt: Date; temporary: boolean }[] = [];
  for await (const entry of store.list()) out.push(entry);
  return out.sort((a, b) => a.key.localeCompare(b.key));
}

/** A stream of `count` chunks of `size` bytes that records how many were pulled. */
function chunks(count: number, size: number) {
  const state = { pulled: 0 };
  const stream = Readable.from(
    (function* () {
      for (; state.pulled < count;) {
        state.pulled++;
        yield Buffer.alloc(size, state.pulled % 256);
      }
    })(),
  );
  return { stream, state };
}

describe('LocalBlobStore', () => {
  let root: string;
  let store: LocalBlobStore;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'docsession-storage-'));
    store = new LocalBlobStore(root);
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  describe('write and read', () => {
    it('stores a Buffer under blobs/<shard>/<key> and reads it back', async () => {
      const data = Buffer.from('hello, document');
      await expect(store.write(KEY, data, 1024)).resolves.toEqual({
        key: KEY,
        sizeBytes: data.length,
        sha256: sha256(data),
      });
      expect(await filesUnder(root)).toEqual([join('blobs', '3f', KEY)]);
      expect(await readAll((await store.read(KEY))!)).toEqual(data);
      expect(await store.exists(KEY)).toBe(true);
    });

    it('stores a stream, hashing it as it goes', async () => {
      const { stream } = chunks(50, 1000);
      const blob = await store.write(KEY, stream, 50_000);
      const back = await readAll((await store.read(KEY))!);
      expect(back.length).toBe(50_000);
      expect(blob).toEqual({ key: KEY, sizeBytes: 50_000, sha256: sha256(back) });
      expect(blob.sha256).toMatch(/^[0-9a-f]{64}$/);
    });

    it('stores empty blobs', async () => {
      await expect(store.write('e', Buffer.alloc(0), 0)).resolves.toMatchObject({
        sizeBytes: 0,
        sha256: sha256(Buffer.alloc(0)),
      });
      await expect(store.write('f', Readable.from([]), 0)).resolves.toMatchObject({ sizeBytes: 0 });
      expect(await readAll((await store.read('f'))!)).toEqual(Buffer.alloc(0));
    });

    it('accepts exactly maxBytes', async () => {
      await expect(store.write(KEY, Buffer.alloc(10), 10)).resolves.toMatchObject({ sizeBytes: 10 });
      await expect(store.write('other', chunks(2, 5).stream, 10)).resolves.toMatchObject({ sizeBytes: 10 });
    });

    it('handles concurrent first writes into one shard', async () => {
      const keys = Array.from({ length: 40 }, (_, i) => `ab${i}`);
      await Promise.all(keys.map((key) => store.write(key, Buffer.from(key), 100)));
      for (const key of keys) expect((await readAll((await store.read(key))!)).toString()).toBe(key);
    });

    it('recreates a shard directory removed after it was first made', async () => {
      await store.write(KEY, Buffer.from('a'), 10);
      await rm(join(root, 'blobs'), { recursive: true });
      await store.write(KEY, Buffer.from('b'), 10);
      await rm(join(root, 'blobs'), { recursive: true });
      await store.write(KEY, Readable.from([Buffer.from('c')]), 10);
      expect((await readAll((await store.read(KEY))!)).toString()).toBe('c');
    });

    it('returns null for a missing blob, with or without a data directory', async () => {
      await expect(store.read(KEY)).resolves.toBeNull();
      await store.write('other', Buffer.from('x'), 10);
      await expect(store.read(KEY)).resolves.toBeNull();
      await expect(store.exists(KEY)).resolves.toBe(false);
    });

    it('keeps serving a reader that opened the blob before it was deleted', async () => {
      await store.write(KEY, Buffer.from('still here'), 100);
      const stream = (await store.read(KEY))!;
      await store.delete(KEY);
      expect((await readAll(stream)).toString()).toBe('still here');
    });
  });

  describe('limits and failures leave nothing behind', () => {
    it('refuses a too large Buffer', async () => {
      const error = await store.write(KEY, Buffer.alloc(11), 10).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BlobTooLargeError);
      expect(error).toMatchObject({ maxBytes: 10, name: 'BlobTooLargeError' });
      expect(await filesUnder(root)).toEqual([]);
    });

    it('refuses a too large stream as soon as it passes the limit', async () => {
      const { stream, state } = chunks(10_000, 1000);
      await expect(store.write(KEY, stream, 25_000)).rejects.toBeInstanceOf(BlobTooLargeError);
      expect(state.pulled).toBeLessThan(100); // stopped mid-way, did not drain the source
      expect(stream.destroyed).toBe(true);
      expect(await filesUnder(root)).toEqual([]);
      expect(await store.exists(KEY)).toBe(false);
    });

    it('refuses a stream exceeding the limit within a single chunk', async () => {
      await expect(store.write(KEY, Readable.from([Buffer.alloc(11)]), 10)).rejects.toThrow(BlobTooLargeError);
      expect(await filesUnder(root)).toEqual([]);
    });

    it("rethrows the source's error and removes the partial file", async () => {
      const boom = new Error('connection reset');
      const source = Readable.from(
        (async function* () {
          yield Buffer.alloc(64 * 1024, 1);
          yield Buffer.alloc(64 * 1024, 2);
          throw boom;
        })(),
      );
      await expect(store.write(KEY, source, 1e9)).rejects.toBe(boom);
      expect(await filesUnder(root)).toEqual([]);
    });

    it('rethrows an error emitted by a plain source stream mid-way', async () => {
      const source = new PassThrough();
      const written = store.write(KEY, source, 1e9);
      source.write(Buffer.alloc(1000));
      await new Promise((resolve) => setTimeout(resolve, 20));
      source.destroy(new Error('aborted upload'));
      await expect(written).rejects.toThrow('aborted upload');
      expect(await filesUnder(root)).toEqual([]);
    });

    it('survives a source erroring before the temporary file is even open', async () => {
      const source = new PassThrough();
      const written = store.write(KEY, source, 1e9);
      source.destroy(new Error('aborted early')); // synchronously: no pipeline attached yet
      await expect(written).rejects.toThrow('aborted early');
      expect(await filesUnder(root)).toEqual([]);
    });
  });

  describe('overwrite', () => {
    it('keeps the old content until the new one is complete, and after a failed overwrite', async () => {
      await store.write(KEY, Buffer.from('version 1'), 100);

      const source = new PassThrough();
      const overwrite = store.write(KEY, source, 100);
      source.write('version');
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect((await readAll((await store.read(KEY))!)).toString()).toBe('version 1'); // mid-upload
      source.end(' 2');
      await overwrite;
      expect((await readAll((await store.read(KEY))!)).toString()).toBe('version 2');

      await expect(store.write(KEY, Buffer.alloc(101), 100)).rejects.toThrow(BlobTooLargeError);
      await expect(store.write(KEY, chunks(200, 1).stream, 100)).rejects.toThrow(BlobTooLargeError);
      const failing = Readable.from(
        (async function* () {
          yield Buffer.from('version 3');
          throw new Error('boom');
        })(),
      );
      await expect(store.write(KEY, failing, 100)).rejects.toThrow('boom');
      expect((await readAll((await store.read(KEY))!)).toString()).toBe('version 2');
      expect(await filesUnder(root)).toEqual([join('blobs', '3f', KEY)]);
    });
  });

  describe('delete and exists', () => {
    it('tells whether the blob existed, never throwing for a missing one', async () => {
      await expect(store.delete(KEY)).resolves.toBe(false); // not even a data directory yet
      await store.write(KEY, Buffer.from('x'), 10);
      await expect(store.delete(KEY)).resolves.toBe(true);
      await expect(store.delete(KEY)).resolves.toBe(false);
      await expect(store.exists(KEY)).resolves.toBe(false);
    });
  });

  describe('keys', () => {
    const invalid = ['', '../etc/passwd', '..', '.', 'a/b', 'a\\b', '.x', 'a b', 'a.b', 'é', 'x'.repeat(129), 'ab\0'];

    it.each(invalid)('refuses %j everywhere', async (key) => {
      await expect(store.write(key, Buffer.from('x'), 10)).rejects.toThrow(/Invalid blob key/);
      await expect(store.write(key, Readable.from(['x']), 10)).rejects.toThrow(/Invalid blob key/);
      await expect(store.read(key)).rejects.toThrow(/Invalid blob key/);
      await expect(store.delete(key)).rejects.toThrow(/Invalid blob key/);
      await expect(store.exists(key)).rejects.toThrow(/Invalid blob key/);
      expect(await filesUnder(root)).toEqual([]);
    });

    it('accepts the full alphabet, one and 128 characters', async () => {
      for (const key of ['x', '_', '-', 'A-z_09', 'k'.repeat(128)]) {
        await store.write(key, Buffer.from(key), 200);
        expect((await readAll((await store.read(key))!)).toString()).toBe(key);
      }
    });
  });

  describe('list and deleteTemporary', () => {
    it('yields nothing for an empty store', async () => {
      expect(await listAll(store)).toEqual([]);
    });

    it('yields blobs and leftover temporary files, and removes the leftovers', async () => {
      await store.write(KEY, Buffer.from('a'), 10);
      await store.write('x', Buffer.from('b'), 10);
      // Leftovers of a crash mid-upload, one in the real naming and one minimal.
      await writeFile(join(root, 'blobs', '3f', `.${KEY}.0123abcd.partial`), 'half');
      await writeFile(join(root, 'blobs', 'x', '.x.partial'), 'half');
      const old = new Date('2020-01-01T00:00:00Z');
      await utimes(join(root, 'blobs', 'x', '.x.partial'), old, old);
      // Not ours: never reported, so the purge can't be tricked into touching them.
      await writeFile(join(root, 'blobs', 'README'), 'hi');
      await writeFile(join(root, 'blobs', '3f', 'zz-misplaced'), 'hi');
      await writeFile(join(root, 'blobs', '3f', 'notes.txt'), 'hi');
      await mkdir(join(root, 'blobs', 'x', 'subdir'));
      await mkdir(join(root, 'other'));

      const listed = await listAll(store);
      expect(listed.map(({ key, temporary }) => ({ key, temporary }))).toEqual([
        { key: `3f/.${KEY}.0123abcd.partial`, temporary: true },
        { key: KEY, temporary: false },
        { key: 'x', temporary: false },
        { key: 'x/.x.partial', temporary: true },
      ]);
      // Not toBeInstanceOf(Date): fs builds its Dates outside jest's sandbox realm.
      for (const entry of listed) expect(Object.prototype.toString.call(entry.modifiedAt)).toBe('[object Date]');
      expect(listed.find((e) => e.key === 'x/.x.partial')!.modifiedAt.getTime()).toBe(old.getTime());
      expect(Date.now() - listed.find((e) => e.key === KEY)!.modifiedAt.getTime()).toBeLessThan(60_000);

      for (const entry of listed.filter((e) => e.temporary)) {
        await expect(store.deleteTemporary(entry.key)).resolves.toBe(true);
        await expect(store.deleteTemporary(entry.key)).resolves.toBe(false);
      }
      expect((await listAll(store)).map((e) => e.key)).toEqual([KEY, 'x']);
      expect(await store.exists(KEY)).toBe(true);
    });

    it('stops reading the directory when the consumer stops early', async () => {
      await Promise.all(['a1', 'b1', 'c1'].map((key) => store.write(key, Buffer.from(key), 10)));
      for await (const entry of store.list()) {
        expect(entry.temporary).toBe(false);
        break;
      }
    });

    it.each([
      KEY,
      '',
      '.x.partial',
      '../.x.partial',
      'x/../.x.partial',
      'x/.x',
      'x/..partial',
      'abc/.x.partial',
      'x/y/.x.partial',
    ])('deleteTemporary refuses %j', async (key) => {
      await store.write(KEY, Buffer.from('a'), 10);
      await expect(store.deleteTemporary(key)).rejects.toThrow(/Not a temporary blob/);
      expect(await store.exists(KEY)).toBe(true);
    });
  });
});
