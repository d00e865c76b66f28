import {
  AbortMultipartUploadCommand,
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  paginateListObjectsV2,
  PutObjectCommand,
  S3Client,
  type ListMultipartUploadsCommandOutput,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
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

export interface S3Settings {
  /** Unset: AWS's endpoint for the region. */
  endpoint?: string;
  region: string;
  bucket: string;
  /** Empty, or segments each ending in `/`. */
  prefix: string;
  /** Unset: the SDK's default credential chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  forcePathStyle: boolean;
  requestTimeoutMs: number;
}

/**
 * S3's smallest multipart part, and so what one streamed write holds in memory at most (one
 * part at a time is sent: the source waits meanwhile), whatever the document's size.
 */
const PART_BYTES = 5 * 1024 * 1024;
/**
 * Sockets to the S3 endpoint per process. A download holds one for as long as its client reads,
 * so the SDK's default of 50 would let 50 slow readers stall every upload and removal.
 */
const MAX_SOCKETS = 512;
/** What list() reports for an incomplete multipart upload: `upload/<key>/<upload id>`. */
const UPLOAD_NAME = /^upload\/([A-Za-z0-9_-]{1,128})\/(.+)$/;

/**
 * Blobs as objects `<prefix><key>` in one bucket of any S3-compatible store.
 *
 * An object appears only complete: a Buffer goes in one PutObject; a stream goes through the SDK's
 * Upload helper — one PutObject when it fits in a part, else a multipart upload that the store
 * shows only once completed — after the size limit and the hash, which are checked as the bytes
 * pass. A write that fails (too large, source error, S3 error) completes nothing, and its multipart
 * upload, if any, is aborted; one interrupted by a crash stays incomplete (invisible to readers,
 * but billed as storage), so list() reports incomplete uploads under the prefix as temporary
 * leftovers and deleteTemporary aborts them. A store that cannot list them (s3rver) gets a
 * warning; a bucket lifecycle rule (AbortIncompleteMultipartUpload) covers the same ground.
 */
export class S3BlobStore implements BlobStore {
  private readonly logger = new Logger(S3BlobStore.name);
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;
  private warnedUploadListing = false;

  constructor(settings: S3Settings) {
    this.bucket = settings.bucket;
    this.prefix = settings.prefix;
    this.client = new S3Client({
      endpoint: settings.endpoint,
      region: settings.region,
      credentials: settings.credentials,
      forcePathStyle: settings.forcePathStyle,
      // Checksums only where the API requires them: the SDK's default (CRC32 trailers in
      // aws-chunked bodies) is refused or mangled by many S3-compatible stores. The sha256 this
      // store returns is computed here from the bytes anyway.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      requestHandler: {
        connectionTimeout: settings.requestTimeoutMs,
        requestTimeout: settings.requestTimeoutMs,
        httpAgent: { keepAlive: true, maxSockets: MAX_SOCKETS },
        httpsAgent: { keepAlive: true, maxSockets: MAX_SOCKETS },
      },
    });
  }

  /** Fails unless the bucket exists and the credentials may use it: a bad setting shows at start. */
  async assertReachable(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (error) {
      throw new Error(`S3 bucket ${this.bucket} is not reachable: ${reasonOf(error)}`);
    }
  }

  close(): void {
    this.client.destroy();
  }

  async write(key: string, source: Readable | Buffer, maxBytes: number): Promise<StoredBlob> {
    assertValidKey(key);
    if (!(maxBytes >= 0)) throw new Error(`Invalid maxBytes ${maxBytes}`);
    if (!Buffer.isBuffer(source)) return this.writeStream(key, source, maxBytes);
    if (source.length > maxBytes) throw new BlobTooLargeError(maxBytes);
    const sha256 = createHash('sha256').update(source).digest('hex');
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: this.objectKey(key),
        Body: source,
        ContentLength: source.length,
      }),
    );
    return { key, sizeBytes: source.length, sha256 };
  }

  async copy(from: string, to: string): Promise<void> {
    assertValidKey(from);
    assertValidKey(to);
    try {
      // Server-side, and atomic for `to`: readers see the old object or the new one.
      await this.client.send(
        new CopyObjectCommand({
          Bucket: this.bucket,
          Key: this.objectKey(to),
          CopySource: `${this.bucket}/${this.objectKey(from).split('/').map(encodeURIComponent).join('/')}`,
        }),
      );
    } catch (error) {
      if (isMissingObject(error)) throw new BlobNotFoundError(from);
      throw error;
    }
  }

  async move(from: string, to: string): Promise<void> {
    await this.copy(from, to);
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.objectKey(from) }));
    } catch (error) {
      // The move itself has happened; failing it now would undo nothing. `from` is an orphan now.
      this.logger.warn(`Moved ${from} onto ${to} but could not remove ${from} (the purge will): ${reasonOf(error)}`);
    }
  }

  async read(key: string): Promise<Readable | null> {
    assertValidKey(key);
    try {
      const { Body } = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
      if (!(Body instanceof Readable)) throw new Error('S3 answered GetObject without a body stream');
      return Body;
    } catch (error) {
      if (isMissingObject(error)) return null;
      throw error;
    }
  }

  /** S3 deletes succeed whether or not the object was there: a HEAD first tells which it was. */
  async delete(key: string): Promise<boolean> {
    const existed = await this.exists(key);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
    return existed;
  }

  async remove(key: string): Promise<void> {
    assertValidKey(key);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
  }

  async exists(key: string): Promise<boolean> {
    assertValidKey(key);
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
      return true;
    } catch (error) {
      if (isMissingObject(error)) return false;
      throw error;
    }
  }

  /** A page (1,000 keys) at a time: objects directly under the prefix, then incomplete uploads. */
  async *list(): AsyncIterable<ListedBlob> {
    const pages = paginateListObjectsV2(
      { client: this.client, pageSize: 1000 },
      { Bucket: this.bucket, Prefix: this.prefix, Delimiter: '/' },
    );
    for await (const page of pages) {
      for (const object of page.Contents ?? []) {
        const key = object.Key?.slice(this.prefix.length);
        // Only what delete() can address; anything else under the prefix isn't ours to report.
        if (key === undefined || !isValidKey(key) || !object.LastModified) continue;
        yield { key, modifiedAt: object.LastModified, temporary: false };
      }
    }
    yield* this.incompleteUploads();
  }

  async deleteTemporary(key: string): Promise<boolean> {
    const match = UPLOAD_NAME.exec(key);
    if (!match) throw new Error(`Not a temporary blob name: ${JSON.stringify(key)}`);
    const [, blobKey, uploadId] = match;
    try {
      await this.client.send(
        new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: this.objectKey(blobKey!), UploadId: uploadId }),
      );
      return true;
    } catch (error) {
      if (errorName(error) === 'NoSuchUpload') return false;
      throw error;
    }
  }

  private async writeStream(key: string, source: Readable, maxBytes: number): Promise<StoredBlob> {
    const limiter = new HashingLimiter(maxBytes);
    // The limiter's own state tells how the stream ended (limiter.errored), so this only waits.
    const piped = pipeline(source, limiter).catch(() => undefined);
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: this.objectKey(key), Body: limiter },
      partSize: PART_BYTES,
      queueSize: 1,
    });
    try {
      await upload.done();
    } catch (error) {
      // A failed source or the size limit surfaces here as the upload's error — or as the
      // error of its abort request, which must not hide it. An S3 failure must stop the source.
      const streamError = limiter.errored;
      if (!streamError) limiter.destroy();
      await piped;
      throw streamError ?? error;
    }
    await piped;
    return { key, sizeBytes: limiter.sizeBytes, sha256: limiter.digest() };
  }

  private async *incompleteUploads(): AsyncIterable<ListedBlob> {
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    for (;;) {
      let page: ListMultipartUploadsCommandOutput;
      try {
        page = await this.client.send(
          new ListMultipartUploadsCommand({
            Bucket: this.bucket,
            Prefix: this.prefix,
            Delimiter: '/',
            KeyMarker: keyMarker,
            UploadIdMarker: uploadIdMarker,
          }),
        );
      } catch (error) {
        if (errorName(error) !== 'NotImplemented') throw error;
        if (!this.warnedUploadListing) {
          this.warnedUploadListing = true;
          this.logger.warn(
            'This S3 server cannot list multipart uploads: those of interrupted writes stay until a lifecycle rule aborts them',
          );
        }
        return;
      }
      for (const upload of page.Uploads ?? []) {
        const key = upload.Key?.slice(this.prefix.length);
        if (key === undefined || !isValidKey(key) || !upload.UploadId || !upload.Initiated) continue;
        yield { key: `upload/${key}/${upload.UploadId}`, modifiedAt: upload.Initiated, temporary: true };
      }
      if (!page.IsTruncated) return;
      keyMarker = page.NextKeyMarker;
      uploadIdMarker = page.NextUploadIdMarker;
    }
  }

  private objectKey(key: string): string {
    return `${this.prefix}${key}`;
  }
}

function errorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

/** NoSuchKey from GET and copy sources, a bodiless 404 (NotFound) from HEAD. */
function isMissingObject(error: unknown): boolean {
  const name = errorName(error);
  return name === 'NoSuchKey' || name === 'NotFound';
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
