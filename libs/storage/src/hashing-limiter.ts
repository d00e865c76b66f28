import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { BlobTooLargeError } from './blob-store';

/** Passes bytes through while counting and hashing them; fails as soon as the count passes maxBytes. */
export class HashingLimiter extends Transform {
  private readonly hash = createHash('sha256');
  sizeBytes = 0;

  constructor(private readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.sizeBytes += chunk.length;
    // Fail before passing the chunk on, so an oversized upload stops consuming disk right away.
    if (this.sizeBytes > this.maxBytes) return callback(new BlobTooLargeError(this.maxBytes));
    this.hash.update(chunk);
    callback(null, chunk);
  }

  /** Only valid once the stream has finished. */
  digest(): string {
    return this.hash.digest('hex');
  }
}
