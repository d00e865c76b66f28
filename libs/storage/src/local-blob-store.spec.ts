import { mkdir, mkdtemp, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { chunks, describeBlobStoreContract, KEY, listAll, readAll, STAGED } from './blob-store.contract';
import { BlobTooLargeError, LocalBlobStore } from './index';

const roots: string[] = [];
afterAll(() => Promise.all(roots.map((root) => rm(root, { recursive: true, force: true }))));

async function newRoot(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'docsession-storage-'));
  roots.push(root);
  return root;
}

describeBlobStoreContract('LocalBlobStore', async () => new LocalBlobStore(await newRoot()));

/** Every file under dir, relative, so a test can assert nothing (not even a .partial) was left. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

describe('LocalBlobStore on disk', () => {
  let root: string;
  let store: LocalBlobStore;

  beforeEach(async () => {
    root = await newRoot();
    store = new LocalBlobStore(root);
  });

  it('keeps a blob as blobs/<first two characters>/<key>', async () => {
    await store.write(KEY, Buffer.from('a'), 10);
    await store.write(STAGED, Readable.from([Buffer.from('b')]), 10);
    expect(await filesUnder(root)).toEqual([join('blobs', '3f', KEY), join('blobs', 'sa', STAGED)]);
    await store.move(STAGED, KEY);
    expect(await filesUnder(root)).toEqual([join('blobs', '3f', KEY)]);
  });

  it('creates blob files 0600 in 0700 directories, whatever the umask', async () => {
    const umask = process.umask(0o000);
    try {
      await store.write(KEY, Buffer.from('a'), 10);
      await store.write('stream', Readable.from([Buffer.from('b')]), 10);
      await store.write(STAGED, Buffer.from('c'), 10);
      await store.move(STAGED, 'moved');
    } finally {
      process.umask(umask);
    }
    for (const dir of ['blobs', join('blobs', '3f'), join('blobs', 'st'), join('blobs', 'mo')]) {
      expect(((await stat(join(root, dir))).mode & 0o777).toString(8)).toBe('700');
    }
    for (const file of await filesUnder(root)) {
      expect([file, ((await stat(join(root, file))).mode & 0o777).toString(8)]).toEqual([file, '600']);
    }
  });

  it('keeps serving a reader that opened the blob before a move replaced it', async () => {
    await store.write(KEY, Buffer.from('version 1'), 100);
    await store.write(STAGED, Buffer.from('version 2'), 100);
    const reader = await store.read(KEY);
    await store.move(STAGED, KEY);
    expect((await readAll(reader)).toString()).toBe('version 1');
  });

  it('recreates a shard directory removed after it was first made', async () => {
    await store.write(KEY, Buffer.from('a'), 10);
    await rm(join(root, 'blobs'), { recursive: true });
    await store.write(KEY, Buffer.from('b'), 10);
    await rm(join(root, 'blobs'), { recursive: true });
    await store.write(KEY, Readable.from([Buffer.from('c')]), 10);
    expect((await readAll(await store.read(KEY))).toString()).toBe('c');
  });

  it('leaves no file at all after a failed write', async () => {
    await expect(store.write(KEY, Buffer.alloc(11), 10)).rejects.toThrow(BlobTooLargeError);
    await expect(store.write(KEY, chunks(30, 1000).stream, 25_000)).rejects.toThrow(BlobTooLargeError);
    const failing = Readable.from(
      (async function* () {
        yield Buffer.alloc(64 * 1024);
        throw new Error('aborted upload');
      })(),
    );
    await expect(store.write(KEY, failing, 1e9)).rejects.toThrow('aborted upload');
    expect(await filesUnder(root)).toEqual([]);
  });

  it('lists leftover temporary files of a crash, and removes them; ignores what is not its own', async () => {
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
    expect(listed.find((e) => e.key === 'x/.x.partial')!.modifiedAt.getTime()).toBe(old.getTime());

    for (const entry of listed.filter((e) => e.temporary)) {
      await expect(store.deleteTemporary(entry.key)).resolves.toBe(true);
      await expect(store.deleteTemporary(entry.key)).resolves.toBe(false);
    }
    expect((await listAll(store)).map((e) => e.key)).toEqual([KEY, 'x']);
  });

  it.each([
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
