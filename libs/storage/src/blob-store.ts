import type { Readable } from 'node:stream';

/** What a completed write produced. */
export interface StoredBlob {
  key: string;
  sizeBytes: number;
  /** Lowercase hex. */
  sha256: string;
}

/** One entry of BlobStore.list(). */
export interface ListedBlob {
  key: string;
  modifiedAt: Date;
  temporary: boolean;
}

/** The upload passed its size limit; nothing was stored. */
export class BlobTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`Blob exceeds the limit of ${maxBytes} bytes`);
    this.name = 'BlobTooLargeError';
  }
}

/** The blob an operation needs does not exist. */
export class BlobNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`No blob ${JSON.stringify(key)}`);
    this.name = 'BlobNotFoundError';
  }
}

/** Holds an uploaded document's bytes while the document is live. Keys are document ids. */
export interface BlobStore {
  /**
   * Streams `source` into the blob `key`, hashing as it goes. More than `maxBytes` rejects with
   * BlobTooLargeError and leaves nothing behind; a failing `source` rejects with the source's error
   * and leaves nothing behind. The blob appears (or an existing one is replaced) only once
   * complete, so a reader never sees half a file.
   */
  write(key: string, source: Readable | Buffer, maxBytes: number): Promise<StoredBlob>;
  /**
   * Moves blob `from` onto `to`, replacing `to` atomically (a reader sees the old or the new bytes,
   * never a mix). Rejects with BlobNotFoundError, changing nothing, when `from` does not exist.
   * Used to put staged bytes (a save) in place under the caller's lock. Where the store has no
   * rename (S3: copy, then delete), `from` can still be seen for a moment after `to` has the new
   * bytes, and a crash between the two leaves it behind: callers give staged blobs keys of their
   * own, which the purge removes as orphans.
   */
  move(from: string, to: string): Promise<void>;
  /**
   * Puts a copy of blob `from` under `to` (replacing `to` atomically), leaving `from` as it was.
   * Rejects with BlobNotFoundError, changing nothing, when `from` does not exist. Cheap where the
   * store allows it (a hard link on local files, a server-side copy in a bucket), since blobs are
   * never changed in place: a later write or move onto `from` replaces it, the copy keeps its bytes.
   * Used to keep a document's previous content as a version under the save's lock.
   */
  copy(from: string, to: string): Promise<void>;
  /** A read stream of the blob, or null when it does not exist. */
  read(key: string): Promise<Readable | null>;
  /** Removes the blob; true if it existed. Never throws for a missing blob. */
  delete(key: string): Promise<boolean>;
  /**
   * Removes the blob if it is there, without finding out whether it was: for removals nobody
   * counts (a document's content when it ends). On S3 that is one request instead of delete's
   * two (a HEAD, then the DELETE).
   */
  remove(key: string): Promise<void>;
  exists(key: string): Promise<boolean>;
  /**
   * Every blob with its modification time, for the purge job that removes orphans, plus leftovers
   * of interrupted writes (`temporary: true`: a partial file, an incomplete multipart upload; their
   * `key` is an opaque name only meant for deleteTemporary). Streams the listing, so memory stays
   * flat however many blobs exist.
   */
  list(): AsyncIterable<ListedBlob>;
  /** Removes a leftover of an interrupted write reported by list(); true if it existed. */
  deleteTemporary(key: string): Promise<boolean>;
  /** Releases what the store holds open (an S3 client's sockets); the store is not used after. */
  close(): void;
}

const KEY = /^[A-Za-z0-9_-]{1,128}$/;

export function isValidKey(key: string): boolean {
  return typeof key === 'string' && KEY.test(key);
}

/** Keys become file names (and object names in other backends): refuse anything that could traverse. */
export function assertValidKey(key: string): void {
  if (!isValidKey(key)) {
    throw new Error(`Invalid blob key ${JSON.stringify(key)}: expected 1-128 of [A-Za-z0-9_-]`);
  }
}
