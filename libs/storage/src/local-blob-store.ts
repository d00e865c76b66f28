import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import {
  BlobNotFoundError,
  BlobTooLargeError,
  assertValidKey,
  isValidKey,
  type BlobStore,
  type ListedBlob,
  type StoredBlob,
} from './blob-store';
import { HashingLimiter } from './hashing-limiter';

// Callback-style fs, promisified: cheaper per call than fs/promises (no FileHandle), which
// matters at ~1,000 uploads/s.
const writeFile = promisify(fs.writeFile);
const rename = promisify(fs.rename);
const unlink = promisify(fs.unlink);
const open = promisify(fs.open);
const mkdir = promisify(fs.mkdir);
const access = promisify(fs.access);
const closeFd = promisify(fs.close);
const link = promisify(fs.link);
const copyFile = promisify(fs.copyFile);

/** Documents are other people's data: readable by the service's user only, whatever its umask. */
const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

const SHARD = /^[A-Za-z0-9_-]{1,2}$/;
/** `.<key>.<random>.partial`; lenient about the middle so any leftover of ours is recognised. */
const TEMP_NAME = /^\.[A-Za-z0-9_-][A-Za-z0-9_.-]*\.partial$/;
/** What list() reports for a leftover: `<shard>/<temp name>` (no `/` or `..` possible elsewhere). */
const TEMP_KEY = /^([A-Za-z0-9_-]{1,2})\/(\.[A-Za-z0-9_-][A-Za-z0-9_.-]*\.partial)$/;

/**
 * Blobs as files: `<rootDir>/blobs/<first two chars of key>/<key>`. Writes go to
 * `.<key>.<random>.partial` in the same directory and are renamed into place, so the blob
 * appears (or is replaced) atomically. Files are created 0600 in 0700 directories.
 */
export class LocalBlobStore implements BlobStore {
  private readonly blobsDir: string;
  /** Shard directories this process has made sure of: one mkdir per shard, not per upload. */
  private readonly shardDirs = new Map<string, Promise<void>>();

  constructor(rootDir: string) {
    this.blobsDir = join(rootDir, 'blobs');
  }

  async write(key: string, source: Readable | Buffer, maxBytes: number): Promise<StoredBlob> {
    assertValidKey(key);
    if (!(maxBytes >= 0)) throw new Error(`Invalid maxBytes ${maxBytes}`);
    const dir = this.shardDir(key);
    const temp = join(dir, `.${key}.${randomBytes(6).toString('hex')}.partial`);
    const blob = Buffer.isBuffer(source)
      ? await this.writeBuffer(key, dir, temp, source, maxBytes)
      : await this.writeStream(key, dir, temp, source, maxBytes);
    try {
      await rename(temp, join(dir, key));
    } catch (error) {
      await removeIfExists(temp);
      throw error;
    }
    return blob;
  }

  async move(from: string, to: string): Promise<void> {
    const source = this.pathOf(from);
    assertValidKey(to);
    const dir = this.shardDir(to);
    try {
      // rename(2) within one file system replaces the target atomically.
      await this.inShardDir(dir, () => rename(source, join(dir, to)));
    } catch (error) {
      if (errorCode(error) === 'ENOENT') throw new BlobNotFoundError(from);
      throw error;
    }
  }

  async copy(from: string, to: string): Promise<void> {
    const source = this.pathOf(from);
    assertValidKey(to);
    const dir = this.shardDir(to);
    const temp = join(dir, `.${to}.${randomBytes(6).toString('hex')}.partial`);
    try {
      // A second name for the same file: no byte is copied, and since every write and move puts a
      // new file in place (never writes into one), neither name can change the other's bytes.
      await this.inShardDir(dir, () => linkOrCopy(source, temp));
    } catch (error) {
      if (errorCode(error) === 'ENOENT') throw new BlobNotFoundError(from); // the shard directory is there
      throw error;
    }
    try {
      await rename(temp, join(dir, to));
    } finally {
      // rename(2) does nothing when both names already are the same file (`to` is a copy of this
      // very content), leaving `temp` behind; otherwise it is gone and this finds nothing.
      await removeIfExists(temp);
    }
  }

  async read(key: string): Promise<Readable | null> {
    const path = this.pathOf(key);
    let fd: number;
    try {
      fd = await open(path, 'r');
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return null;
      throw error;
    }
    // Streaming from the already-open fd: a later overwrite or delete can't fail or mix this read.
    return fs.createReadStream(path, { fd });
  }

  async delete(key: string): Promise<boolean> {
    return removeIfExists(this.pathOf(key));
  }

  async remove(key: string): Promise<void> {
    await removeIfExists(this.pathOf(key));
  }

  async exists(key: string): Promise<boolean> {
    try {
      await access(this.pathOf(key));
      return true;
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return false;
      throw error;
    }
  }

  /** Directory order, not sorted; Dir reads in small batches so memory stays flat. */
  async *list(): AsyncIterable<ListedBlob> {
    const shards = await openDir(this.blobsDir);
    if (!shards) return;
    for await (const shard of shards) {
      if (!shard.isDirectory() || !SHARD.test(shard.name)) continue;
      const dir = join(this.blobsDir, shard.name);
      const entries = await openDir(dir);
      if (!entries) continue;
      for await (const entry of entries) {
        // Only what delete()/deleteTemporary() can address; anything else here isn't ours to report.
        const blob = isValidKey(entry.name) && entry.name.slice(0, 2) === shard.name;
        const temporary = !blob && TEMP_NAME.test(entry.name);
        if (!blob && !temporary) continue;
        const stats = await lstat(join(dir, entry.name));
        if (!stats?.isFile()) continue; // removed since readdir, or not a file
        yield { key: temporary ? `${shard.name}/${entry.name}` : entry.name, modifiedAt: stats.mtime, temporary };
      }
    }
  }

  async deleteTemporary(key: string): Promise<boolean> {
    const match = TEMP_KEY.exec(key);
    if (!match) throw new Error(`Not a temporary blob name: ${JSON.stringify(key)}`);
    const [, shard, name] = match;
    return removeIfExists(join(this.blobsDir, shard!, name!));
  }

  /** Files hold nothing open between calls. */
  close(): void {}

  private async writeBuffer(
    key: string,
    dir: string,
    temp: string,
    data: Buffer,
    maxBytes: number,
  ): Promise<StoredBlob> {
    if (data.length > maxBytes) throw new BlobTooLargeError(maxBytes); // before touching the disk
    const sha256 = createHash('sha256').update(data).digest('hex');
    try {
      // 'wx': never write into someone else's file, however unlikely a random-name clash is.
      await this.inShardDir(dir, () => writeFile(temp, data, { flag: 'wx', mode: FILE_MODE }));
    } catch (error) {
      await removeIfExists(temp); // e.g. ENOSPC half-way
      throw error;
    }
    return { key, sizeBytes: data.length, sha256 };
  }

  private async writeStream(
    key: string,
    dir: string,
    temp: string,
    source: Readable,
    maxBytes: number,
  ): Promise<StoredBlob> {
    // Until pipeline takes over, a source 'error' (say, the client aborting while the temp file is
    // being opened) would have no listener and crash the process: hold on to it instead.
    let sourceFailed: { error: unknown } | undefined;
    const holdError = (error: unknown) => (sourceFailed ??= { error });
    source.on('error', holdError);
    let fd: number;
    try {
      // Opened up front rather than by createWriteStream, so a vanished shard directory can be
      // recreated before any byte of the source is consumed.
      fd = await this.inShardDir(dir, () => open(temp, 'wx', FILE_MODE));
    } catch (error) {
      source.off('error', holdError);
      source.destroy(); // as pipeline would: the caller's source is consumed either way
      throw error;
    }
    source.off('error', holdError);
    if (sourceFailed) {
      await closeFd(fd);
      await removeIfExists(temp);
      throw sourceFailed.error;
    }
    const out = fs.createWriteStream(temp, { fd });
    const limiter = new HashingLimiter(maxBytes);
    try {
      await pipeline(source, limiter, out);
    } catch (error) {
      // pipeline has destroyed `out`; let it release the fd before unlinking (needed on Windows).
      if (!out.closed) await new Promise<void>((resolve) => out.once('close', () => resolve()));
      await removeIfExists(temp);
      throw error;
    }
    return { key, sizeBytes: limiter.sizeBytes, sha256: limiter.digest() };
  }

  /** Runs `op` in an existing shard directory; recreates it once if it was removed behind the cache's back. */
  private async inShardDir<T>(dir: string, op: () => Promise<T>): Promise<T> {
    await this.ensureDir(dir);
    try {
      return await op();
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') throw error;
      this.shardDirs.delete(dir);
      await this.ensureDir(dir);
      return op();
    }
  }

  private ensureDir(dir: string): Promise<void> {
    let ready = this.shardDirs.get(dir);
    if (!ready) {
      // Shared, so concurrent first uploads to a shard issue one mkdir; forgotten on failure.
      const made: Promise<void> = mkdir(dir, { recursive: true, mode: DIR_MODE }).then(() => undefined);
      made.catch(() => {
        if (this.shardDirs.get(dir) === made) this.shardDirs.delete(dir);
      });
      this.shardDirs.set(dir, made);
      ready = made;
    }
    return ready;
  }

  private shardDir(key: string): string {
    return join(this.blobsDir, key.slice(0, 2));
  }

  private pathOf(key: string): string {
    assertValidKey(key);
    return join(this.shardDir(key), key);
  }
}

/** A hard link, or a copy where the file system has none (some network and FUSE file systems). */
async function linkOrCopy(source: string, target: string): Promise<void> {
  try {
    await link(source, target);
  } catch (error) {
    if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EXDEV', 'EMLINK'].includes(errorCode(error) ?? '')) throw error;
    await copyFile(source, target, fs.constants.COPYFILE_EXCL);
  }
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | null)?.code;
}

async function removeIfExists(path: string): Promise<boolean> {
  try {
    await unlink(path);
    return true;
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return false;
    throw error;
  }
}

/** null when the directory is missing (nothing written yet, or removed meanwhile). */
async function openDir(path: string): Promise<fs.Dir | null> {
  try {
    return await fs.promises.opendir(path);
  } catch (error) {
    if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return null;
    throw error;
  }
}

async function lstat(path: string): Promise<fs.Stats | null> {
  try {
    return await fs.promises.lstat(path);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return null;
    throw error;
  }
}
