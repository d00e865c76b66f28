import { contentTypeSchema, documentNameSchema, DomainError, ErrorCode } from '@docsession/contracts';
import { APP_CONFIG, type AppConfig } from '@docsession/platform';
import { BLOB_STORE, BlobTooLargeError, type BlobStore, type StoredBlob } from '@docsession/storage';
import { openUrl, UrlImportError } from '@docsession/url-import';
import { Inject, Injectable } from '@nestjs/common';
import type { z } from 'zod';
import type { MultipartFile } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { endedEarly, truncatedMultipart } from '../http/complete-parts';
import { partsOf } from '../http/read-ahead-parts';
import { RequestFingerprint } from '../idempotency/request-fingerprint';
import { isAllowedType, resolveContentType } from './media-types';
import { jsonOpenFingerprint, storeJsonOpen } from './json-open-intake';
import { assertTtlWithin, openJsonBodySchema, openOptionsSchema, type OpenOptions } from './open-options';

/** A document's content, stored under its id, and the options it came with. */
export interface IntakeResult {
  options: OpenOptions;
  blob: StoredBlob;
  name: string;
  contentType: string;
}

/** Stored content, with the name and type its transport gave it (if any). */
export interface ContentSource {
  blob: StoredBlob;
  name: string | null;
  contentType: string | null;
}

/** What a request asks for: the options of its open, and its content, already stored. */
interface IntakeRequest {
  options: OpenOptions;
  source: ContentSource;
}

const invalid = (message: string, details?: unknown) => new DomainError(ErrorCode.InvalidRequest, message, details);
const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/**
 * Takes a document's content from a multipart upload, a base64 JSON field or a URL,
 * streams it into the blob store (size-limited, hashed) and checks it against the
 * options. Whatever fails, nothing is left in the store.
 */
@Injectable()
export class DocumentIntake {
  constructor(
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async take(req: FastifyRequest, documentId: string): Promise<IntakeResult> {
    if (!req.isMultipart() && !JSON_TYPE.test(req.headers['content-type'] ?? '')) {
      throw new DomainError(
        ErrorCode.UnsupportedMediaType,
        'Send the document as multipart/form-data or application/json.',
      );
    }
    return this.guarded(documentId, async () => {
      const { options, source } = req.isMultipart()
        ? await this.fromMultipart(req, documentId)
        : await this.fromJson(req, documentId);
      return this.accept(options, source);
    });
  }

  /**
   * Runs a reading of content stored under `documentId` (with the methods below): if it
   * fails, nothing is left in the store, and the failure is the contract's.
   */
  async guarded<T>(documentId: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      await this.discard(documentId);
      throw translate(err, this.config.MAX_UPLOAD_BYTES);
    }
  }

  /** Removes what was stored under `documentId` (content that turned out not to be needed). */
  async discard(documentId: string): Promise<void> {
    await this.blobs.delete(documentId).catch(() => undefined);
  }

  private async fromMultipart(req: FastifyRequest, documentId: string): Promise<IntakeRequest> {
    let options: OpenOptions | undefined;
    let upload: ContentSource | undefined;
    // What the request asked for, for its Idempotency-Key (see multipart-fingerprint.ts).
    const fingerprint = new RequestFingerprint('open');
    for await (const part of partsOf(req)) {
      if (part.type === 'file') {
        if (part.fieldname !== 'file')
          throw invalid(`Unexpected file part "${part.fieldname}": send the content as "file".`);
        if (upload) throw invalid('Send one file part only.');
        upload = await this.storeUpload(documentId, part);
        fingerprint.addFile(part.fieldname, part.filename, part.mimetype, upload.blob.sha256);
      } else if (part.fieldname === 'options') {
        if (options) throw invalid('Send one options part only.');
        options = parseOptionsPart(part.value);
        fingerprint.addField(part.fieldname, part.value as string);
      } else {
        throw invalid(`Unexpected part "${part.fieldname}": expected "file" and optionally "options".`);
      }
    }
    options ??= {};
    req.bodyFingerprint = fingerprint.digest();
    if (upload && options.url) throw invalid('Send either a file or a url, not both.');
    if (upload) return { options, source: upload };
    if (options.url) return { options, source: await this.importUrl(options.url, documentId) };
    throw invalid('No content: send a "file" part, or a url in the options.');
  }

  /** A JSON open, read as it streams: content_base64 decoded piece by piece into the store (see JsonOpenBody). */
  private async fromJson(req: FastifyRequest, documentId: string): Promise<IntakeRequest> {
    if (!req.jsonBodyStream) throw new Error('a JSON open without its body stream (see streamed-json.ts)');
    const { members, blob } = await storeJsonOpen(
      req.jsonBodyStream,
      this.blobs,
      documentId,
      this.config.MAX_UPLOAD_BYTES,
    );
    req.bodyFingerprint = jsonOpenFingerprint('open', members, blob?.sha256 ?? null);
    // content_base64 is among the members only when it was not a string: the schema says so.
    const { content_base64: notAString, ...options } = openJsonBodySchema.parse(members);
    if (notAString !== undefined) throw invalid('content_base64 must be a string.');
    if (blob && options.url) throw invalid('Send either content_base64 or url, not both.');
    if (options.url) return { options, source: await this.importUrl(options.url, documentId) };
    if (!blob) throw invalid('No content: send content_base64 or url.');
    return { options, source: { blob, name: null, contentType: null } };
  }

  /** A multipart file part, streamed into the store (size-limited, hashed). */
  async storeUpload(documentId: string, part: MultipartFile): Promise<ContentSource> {
    const blob = await this.blobs.write(documentId, part.file, this.config.MAX_UPLOAD_BYTES).catch((err: unknown) => {
      // The part's stream stopped short (see completeParts): the body, not the store, failed.
      if (!(err instanceof DomainError) && !(err instanceof BlobTooLargeError) && endedEarly(part.file)) {
        throw truncatedMultipart();
      }
      throw err;
    });
    if (part.file.truncated) throw new BlobTooLargeError(this.config.MAX_UPLOAD_BYTES);
    return { blob, name: part.filename || null, contentType: part.mimetype || null };
  }

  /** Bytes made here (a blank document). */
  async storeBytes(documentId: string, bytes: Buffer, name: string, contentType: string): Promise<ContentSource> {
    const blob = await this.blobs.write(documentId, bytes, this.config.MAX_UPLOAD_BYTES);
    return { blob, name, contentType };
  }

  /** The content at a URL, imported under the URL-import rules (private addresses, redirects, size). */
  async importUrl(url: string, documentId: string): Promise<ContentSource> {
    const response = await openUrl(url, {
      timeoutMs: this.config.URL_IMPORT_TIMEOUT_MS,
      maxBytes: this.config.MAX_UPLOAD_BYTES,
      maxRedirects: this.config.URL_IMPORT_MAX_REDIRECTS,
      allowPrivateAddresses: this.config.URL_IMPORT_ALLOW_PRIVATE,
    });
    const blob = await this.blobs.write(documentId, response.body, this.config.MAX_UPLOAD_BYTES);
    return { blob, name: response.filename, contentType: response.contentType };
  }

  /** Checks stored content against its options: the name, the content type and whether it is allowed. */
  accept(options: OpenOptions, source: ContentSource): IntakeResult {
    assertTtlWithin(options, this.config.SESSION_TTL_MAX_SECONDS);
    const name = carried('name', documentNameSchema, options.document?.name ?? source.name ?? 'document');
    const contentType = carried(
      'content_type',
      contentTypeSchema,
      resolveContentType(options.document?.content_type, source.contentType, name),
    );
    if (!isAllowedType(contentType, this.config.ALLOWED_CONTENT_TYPES)) {
      throw new DomainError(ErrorCode.UnsupportedMediaType, `Content type ${contentType} is not accepted here.`, {
        allowed: this.config.ALLOWED_CONTENT_TYPES,
      });
    }
    return { options, blob: source.blob, name, contentType };
  }
}

/**
 * A name or content type as session.created carries it. One the options gave passed this
 * schema already; one that came with the content (a multipart filename or type, a URL's
 * headers) is checked here, so that no consumer is handed what it cannot store.
 */
function carried(field: 'name' | 'content_type', schema: z.ZodType<string>, value: string): string {
  const checked = schema.safeParse(value);
  if (checked.success) return checked.data;
  const { message } = checked.error.issues[0];
  throw invalid(`The content's ${field.replace('_', ' ')} cannot be kept (${message}): set document.${field}.`, [
    { path: `document.${field}`, message },
  ]);
}

function parseOptionsPart(value: unknown): OpenOptions {
  if (typeof value !== 'string') throw invalid('The options part must be a JSON string.');
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw invalid('The options part is not valid JSON.');
  }
  return openOptionsSchema.parse(parsed);
}

/** URL import failures are 422, except a body over the size limit, which is 413. */
function translate(err: unknown, maxBytes: number): unknown {
  if (!(err instanceof UrlImportError)) return err;
  if (err.reason === 'too_large') return new BlobTooLargeError(maxBytes);
  return new DomainError(ErrorCode.UrlFetchFailed, err.message, { reason: err.reason });
}
