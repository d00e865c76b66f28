import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { LocalBlobStore } from './index';

const DOC = '3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6b';
const STAGED = 'save-0d9e4c55-7c1b-4a57-9a43-3f1f0b6f3c2a';

async function text(stream: Readable | null): Promise<string> {
  if (!stream) throw new Error('no blob');
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

describe('LocalBlobStore.move', () => {
  let root: string;
  let store: LocalBlobStore;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'docsession-move-'));
    store = new LocalBlobStore(root);
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('replaces the target with the staged blob, across shards, and leaves only the target', async () => {
    await store.write(DOC, Buffer.from('version 1'), 100);
    await store.write(STAGED, Buffer.from('version 2'), 100);
    const reader = await store.read(DOC); // opened before the move: keeps the old bytes

    await store.move(STAGED, DOC);

    expect(await text(await store.read(DOC))).toBe('version 2');
    expect(await text(reader)).toBe('version 1');
    expect(await store.exists(STAGED)).toBe(false);
    expect(await filesUnder(root)).toEqual([join('blobs', '3f', DOC)]);
  });

  it('creates the target when it did not exist', async () => {
    await store.write(STAGED, Buffer.from('new'), 100);
    await store.move(STAGED, DOC);
    expect(await text(await store.read(DOC))).toBe('new');
  });

  it('rejects a missing source and leaves the target as it was', async () => {
    await store.write(DOC, Buffer.from('kept'), 100);
    await expect(store.move(STAGED, DOC)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await text(await store.read(DOC))).toBe('kept');
  });

  it('refuses invalid keys on either side', async () => {
    await store.write(STAGED, Buffer.from('x'), 100);
    await expect(store.move(STAGED, '../escape')).rejects.toThrow(/Invalid blob key/);
    await expect(store.move('../escape', DOC)).rejects.toThrow(/Invalid blob key/);
    expect(await store.exists(STAGED)).toBe(true);
  });
});
