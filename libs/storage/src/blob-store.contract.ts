import { createHash } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { BlobNotFoundError, BlobTooLargeError, type BlobStore, type ListedBlob } from './blob-store';

/**
 * What every BlobStore promises, as one jest suite that each implementation's spec runs against a
 * real backend (a temporary directory, an S3 server). `open` gives a fresh, empty store.
 */
export function describeBlobStoreContract(name: string, open: () => Promise<BlobStore>): void {
  describe(`${name}: the BlobStore contract`, () => {
    let store: BlobStore;
    beforeEach(async () => {
      store = await open();
    });

    describe('write and read', () => {
      it('stores a Buffer and reads it back', async () => {
        const data = Buffer.from('hello, document');
        await expect(store.write(KEY, data, 1024)).resolves.toEqual({
          key: KEY,
          sizeBytes: data.length,
          sha256: sha256(data),
        });
        expect(await readAll(await store.read(KEY))).toEqual(data);
        expect(await store.exists(KEY)).toBe(true);
      });

      it('stores a stream, hashing it as it goes', async () => {
        const blob = await store.write(KEY, chunks(50, 1000).stream, 50_000);
        const back = await readAll(await store.read(KEY));
        expect(back.length).toBe(50_000);
        expect(blob).toEqual({ key: KEY, sizeBytes: 50_000, sha256: sha256(back) });
      });

      it('stores a stream larger than one multipart part (5 MiB)', async () => {
        const blob = await store.write(KEY, chunks(12, MIB).stream, 20 * MIB);
        const back = await readAll(await store.read(KEY));
        expect(blob).toEqual({ key: KEY, sizeBytes: 12 * MIB, sha256: sha256(back) });
        expect(back.length).toBe(12 * MIB);
      });

      it('stores empty blobs', async () => {
        await expect(store.write('e', Buffer.alloc(0), 0)).resolves.toMatchObject({
          sizeBytes: 0,
          sha256: sha256(Buffer.alloc(0)),
        });
        await expect(store.write('f', Readable.from([]), 0)).resolves.toMatchObject({ sizeBytes: 0 });
        expect(await readAll(await store.read('f'))).toEqual(Buffer.alloc(0));
      });

      it('accepts exactly maxBytes', async () => {
        await expect(store.write(KEY, Buffer.alloc(10), 10)).resolves.toMatchObject({ sizeBytes: 10 });
        await expect(store.write('other', chunks(2, 5).stream, 10)).resolves.toMatchObject({ sizeBytes: 10 });
      });

      it('handles concurrent writes', async () => {
        const keys = Array.from({ length: 40 }, (_, i) => `ab${i}`);
        await Promise.all(keys.map((key) => store.write(key, Buffer.from(key), 100)));
        for (const key of keys) expect((await readAll(await store.read(key))).toString()).toBe(key);
      });

      it('returns null for a missing blob', async () => {
        await expect(store.read(KEY)).resolves.toBeNull();
        await store.write('other', Buffer.from('x'), 10);
        await expect(store.read(KEY)).resolves.toBeNull();
        await expect(store.exists(KEY)).resolves.toBe(false);
      });

      it('keeps serving a reader that opened the blob before it was deleted', async () => {
        await store.write(KEY, Buffer.from('still here'), 100);
        const stream = await store.read(KEY);
        await store.delete(KEY);
        expect((await readAll(stream)).toString()).toBe('still here');
      });
    });

    describe('limits and failures leave nothing behind', () => {
      it('refuses a too large Buffer', async () => {
        const error = await store.write(KEY, Buffer.alloc(11), 10).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(BlobTooLargeError);
        expect(error).toMatchObject({ maxBytes: 10, name: 'BlobTooLargeError' });
        await expectEmpty(store);
      });

      it('refuses a too large stream as soon as it passes the limit', async () => {
        const { stream, state } = chunks(10_000, 1000);
        await expect(store.write(KEY, stream, 25_000)).rejects.toBeInstanceOf(BlobTooLargeError);
        expect(state.pulled).toBeLessThan(100); // stopped mid-way, did not drain the source
        expect(stream.destroyed).toBe(true);
        await expectEmpty(store);
      });

      it('refuses a stream exceeding the limit within a single chunk', async () => {
        await expect(store.write(KEY, Readable.from([Buffer.alloc(11)]), 10)).rejects.toThrow(BlobTooLargeError);
        await expectEmpty(store);
      });

      it('refuses a stream that passes the limit after several parts', async () => {
        const { stream, state } = chunks(100, MIB);
        await expect(store.write(KEY, stream, 11 * MIB)).rejects.toBeInstanceOf(BlobTooLargeError);
        expect(state.pulled).toBeLessThan(20);
        await expectEmpty(store);
      });

      it("rethrows the source's error", async () => {
        const boom = new Error('connection reset');
        await expect(store.write(KEY, failingAfter(2, 64 * 1024, boom), 1e9)).rejects.toBe(boom);
        await expectEmpty(store);
      });

      it("rethrows the source's error after several parts", async () => {
        const boom = new Error('connection reset');
        await expect(store.write(KEY, failingAfter(12, MIB, boom), 1e9)).rejects.toBe(boom);
        await expectEmpty(store);
      });

      it('rethrows an error emitted by a plain source stream mid-way', async () => {
        const source = new PassThrough();
        const written = store.write(KEY, source, 1e9);
        source.write(Buffer.alloc(1000));
        await new Promise((resolve) => setTimeout(resolve, 20));
        source.destroy(new Error('aborted upload'));
        await expect(written).rejects.toThrow('aborted upload');
        await expectEmpty(store);
      });

      it('survives a source erroring before the write even started', async () => {
        const source = new PassThrough();
        const written = store.write(KEY, source, 1e9);
        source.destroy(new Error('aborted early'));
        await expect(written).rejects.toThrow('aborted early');
        await expectEmpty(store);
      });
    });

    it('keeps the old content until the new one is complete, and after a failed overwrite', async () => {
      await store.write(KEY, Buffer.from('version 1'), 100);
      const source = new PassThrough();
      const overwrite = store.write(KEY, source, 100);
      source.write('version');
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect((await readAll(await store.read(KEY))).toString()).toBe('version 1'); // mid-upload
      source.end(' 2');
      await overwrite;
      expect((await readAll(await store.read(KEY))).toString()).toBe('version 2');

      await expect(store.write(KEY, Buffer.alloc(101), 100)).rejects.toThrow(BlobTooLargeError);
      await expect(store.write(KEY, chunks(200, 1).stream, 100)).rejects.toThrow(BlobTooLargeError);
      await expect(store.write(KEY, failingAfter(1, 9, new Error('boom')), 100)).rejects.toThrow('boom');
      expect((await readAll(await store.read(KEY))).toString()).toBe('version 2');
      expect((await listAll(store)).map((e) => e.key)).toEqual([KEY]);
    });

    it('delete tells whether the blob existed, never throwing for a missing one', async () => {
      await expect(store.delete(KEY)).resolves.toBe(false);
      await store.write(KEY, Buffer.from('x'), 10);
      await expect(store.delete(KEY)).resolves.toBe(true);
      await expect(store.delete(KEY)).resolves.toBe(false);
      await expect(store.exists(KEY)).resolves.toBe(false);
    });

    it('remove takes the blob away, and does nothing for a missing one', async () => {
      await store.write(KEY, Buffer.from('x'), 10);
      await expect(store.remove(KEY)).resolves.toBeUndefined();
      await expect(store.exists(KEY)).resolves.toBe(false);
      await expect(store.remove(KEY)).resolves.toBeUndefined();
      await expectEmpty(store);
    });

    describe('move', () => {
      it('replaces the target with the staged blob and removes the staged one', async () => {
        await store.write(KEY, Buffer.from('version 1'), 100);
        await store.write(STAGED, Buffer.from('version 2'), 100);
        await store.move(STAGED, KEY);
        expect((await readAll(await store.read(KEY))).toString()).toBe('version 2');
        expect(await store.exists(STAGED)).toBe(false);
        expect((await listAll(store)).map((e) => e.key)).toEqual([KEY]);
      });

      it('creates the target when it did not exist', async () => {
        await store.write(STAGED, Buffer.from('new'), 100);
        await store.move(STAGED, KEY);
        expect((await readAll(await store.read(KEY))).toString()).toBe('new');
      });

      it('rejects a missing source and leaves the target as it was', async () => {
        await store.write(KEY, Buffer.from('kept'), 100);
        await expect(store.move(STAGED, KEY)).rejects.toBeInstanceOf(BlobNotFoundError);
        expect((await readAll(await store.read(KEY))).toString()).toBe('kept');
      });

      it('refuses invalid keys on either side', async () => {
        await store.write(STAGED, Buffer.from('x'), 100);
        await expect(store.move(STAGED, '../escape')).rejects.toThrow(/Invalid blob key/);
        await expect(store.move('../escape', KEY)).rejects.toThrow(/Invalid blob key/);
        expect(await store.exists(STAGED)).toBe(true);
      });
    });

    describe('copy', () => {
      it('keeps the source, and the copy keeps its bytes when the source is replaced or removed', async () => {
        await store.write(KEY, Buffer.from('version 1'), 100);
        await store.copy(KEY, COPY);
        await store.write(STAGED, Buffer.from('version 2'), 100);
        await store.move(STAGED, KEY);
        expect((await readAll(await store.read(KEY))).toString()).toBe('version 2');
        expect((await readAll(await store.read(COPY))).toString()).toBe('version 1');
        await store.write(KEY, Buffer.from('version 3'), 100);
        await store.delete(KEY);
        expect((await readAll(await store.read(COPY))).toString()).toBe('version 1');
        expect((await listAll(store)).map((e) => e.key)).toEqual([COPY]);
      });

      it('replaces an existing target', async () => {
        await store.write(KEY, Buffer.from('new'), 100);
        await store.write(COPY, Buffer.from('old'), 100);
        await store.copy(KEY, COPY);
        expect((await readAll(await store.read(COPY))).toString()).toBe('new');
        expect((await listAll(store)).map((e) => e.key).sort()).toEqual([COPY, KEY].sort());
      });

      it('rejects a missing source, leaving the target as it was and nothing else behind', async () => {
        await store.write(COPY, Buffer.from('kept'), 100);
        await expect(store.copy(KEY, COPY)).rejects.toBeInstanceOf(BlobNotFoundError);
        expect((await readAll(await store.read(COPY))).toString()).toBe('kept');
        expect((await listAll(store)).map((e) => e.key)).toEqual([COPY]);
      });

      it('refuses invalid keys on either side', async () => {
        await store.write(KEY, Buffer.from('x'), 100);
        await expect(store.copy(KEY, '../escape')).rejects.toThrow(/Invalid blob key/);
        await expect(store.copy('../escape', COPY)).rejects.toThrow(/Invalid blob key/);
        expect((await listAll(store)).map((e) => e.key)).toEqual([KEY]);
      });
    });

    describe('keys', () => {
      it.each(INVALID_KEYS)('refuses %j everywhere', async (key) => {
        await expect(store.write(key, Buffer.from('x'), 10)).rejects.toThrow(/Invalid blob key/);
        await expect(store.write(key, Readable.from(['x']), 10)).rejects.toThrow(/Invalid blob key/);
        await expect(store.read(key)).rejects.toThrow(/Invalid blob key/);
        await expect(store.delete(key)).rejects.toThrow(/Invalid blob key/);
        await expect(store.remove(key)).rejects.toThrow(/Invalid blob key/);
        await expect(store.exists(key)).rejects.toThrow(/Invalid blob key/);
        await expectEmpty(store);
      });

      it('accepts the full alphabet, one and 128 characters', async () => {
        for (const key of ['x', '_', '-', 'A-z_09', 'k'.repeat(128)]) {
          await store.write(key, Buffer.from(key), 200);
          expect((await readAll(await store.read(key))).toString()).toBe(key);
        }
      });
    });

    describe('list', () => {
      it('yields nothing for an empty store', async () => {
        expect(await listAll(store)).toEqual([]);
      });

      it('yields every blob with a recent modification time, past one page of a listing', async () => {
        const keys = Array.from({ length: 1_050 }, (_, i) => `k${String(i).padStart(4, '0')}`);
        for (let i = 0; i < keys.length; i += 50) {
          await Promise.all(keys.slice(i, i + 50).map((key) => store.write(key, Buffer.from(key), 10)));
        }
        const listed = await listAll(store);
        expect(listed.map((e) => e.key)).toEqual(keys);
        for (const entry of listed) {
          expect(entry.temporary).toBe(false);
          // Not toBeInstanceOf(Date): fs and the SDK build their Dates outside jest's sandbox realm.
          expect(Object.prototype.toString.call(entry.modifiedAt)).toBe('[object Date]');
          expect(Math.abs(Date.now() - entry.modifiedAt.getTime())).toBeLessThan(60_000);
        }
      }, 60_000);

      it('stops when the consumer stops early', async () => {
        await Promise.all(['a1', 'b1', 'c1'].map((key) => store.write(key, Buffer.from(key), 10)));
        for await (const entry of store.list()) {
          expect(entry.temporary).toBe(false);
          break;
        }
      });

      it.each([KEY, '', '../x', 'x/../y'])('deleteTemporary refuses %j', async (key) => {
        await store.write(KEY, Buffer.from('a'), 10);
        await expect(store.deleteTemporary(key)).rejects.toThrow(/Not a temporary blob/);
        expect(await store.exists(KEY)).toBe(true);
      });
    });
  });
}

export const KEY = '3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6b';
export const STAGED = 'save-0d9e4c55-7c1b-4a57-9a43-3f1f0b6f3c2a';
export const COPY = '3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6b-v1';
const MIB = 1024 * 1024;
const INVALID_KEYS = ['', '../etc/passwd', '..', '.', 'a/b', 'a\\b', '.x', 'a b', 'a.b', 'é', 'x'.repeat(129), 'ab\0'];

export const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

export async function readAll(stream: Readable | null): Promise<Buffer> {
  if (!stream) throw new Error('no blob');
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

export async function listAll(store: BlobStore): Promise<ListedBlob[]> {
  const out: ListedBlob[] = [];
  for await (const entry of store.list()) out.push(entry);
  return out.sort((a, b) => a.key.localeCompare(b.key));
}

/** Nothing readable, nothing listed — not even a leftover of the failed write. */
async function expectEmpty(store: BlobStore): Promise<void> {
  expect(await listAll(store)).toEqual([]);
  expect(await store.exists(KEY)).toBe(false);
}

/** A stream of `count` chunks of `size` bytes that records how many were pulled. */
export function chunks(count: number, size: number) {
  const state = { pulled: 0 };
  const stream = Readable.from(
    (function* () {
      while (state.pulled < count) {
        state.pulled++;
        yield Buffer.alloc(size, state.pulled % 256);
      }
    })(),
  );
  return { stream, state };
}

/** `count` chunks of `size` bytes, then `error`. */
function failingAfter(count: number, size: number, error: Error): Readable {
  return Readable.from(
    (async function* () {
      for (let i = 0; i < count; i++) yield Buffer.alloc(size, i);
      throw error;
    })(),
  );
}
