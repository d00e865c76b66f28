import type { Multipart } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { extname } from 'node:path';
import type { Readable } from 'node:stream';
import { partsOf } from '../http/read-ahead-parts';
import { RequestFingerprint } from '../idempotency/request-fingerprint';
import { DocumentIntake, type ContentSource, type IntakeResult } from '../opens/document-intake';
import type { JoinInstead } from '../opens/session-opener';
import { openOptionsSchema, type OpenOptions } from '../opens/open-options';
import { blankDocument, CONTENT_TYPE_OF } from './blank-documents';
import { API_KEY_FIELD } from './zoho-api-key.guard';
import { ZohoFailure } from './zoho-errors';
import {
  IGNORED_TEXT_PARTS,
  isJsonPart,
  openOptionsOf,
  parseJsonPart,
  type JsonPartName,
  type ZohoParameters,
} from './zoho-parameters';
import type { ZohoProduct } from './zoho-products';

/** Which Zoho parameter an open option came from, to name it in an error. */
const PARAMETER_OF: Record<string, string> = {
  user: 'user_info',
  document: 'document_info',
  callback: 'callback_settings',
  mode: 'permissions',
};

/** How a Zoho create or preview reads its request. */
export interface ZohoOpenKind {
  /** The idempotency scope: `zoho:writer:create`, ... */
  scope: string;
  /** A preview opens a view-mode session, and needs content (`document` or `url`). */
  preview: boolean;
}

/** The live document a tenant keeps under an external id, if any. */
export type LiveDocumentLookup = (tenantId: string, externalId: string) => Promise<string | null>;

/**
 * Reads a Zoho create or preview request (multipart: `document` or `url`, and JSON
 * parts) into the open path's intake: the same store, limits, URL-import rules and
 * content checks as `POST /v1/documents`. `document_info.document_id` naming a live
 * document of the tenant makes it a join of that document (co-editing): the content
 * sent with it is read for the fingerprint but not kept. A create without content
 * gets a blank document of the product's format. The fingerprint of the parts, for the
 * request's Idempotency-Key, is the one `multipartFingerprint` computes for a replay.
 */
export class ZohoIntake {
  constructor(
    private readonly intake: DocumentIntake,
    private readonly product: ZohoProduct,
    private readonly kind: ZohoOpenKind,
    private readonly liveDocument: LiveDocumentLookup,
  ) {}

  get scope(): string {
    return this.kind.scope;
  }

  take(req: FastifyRequest, documentId: string): Promise<IntakeResult | JoinInstead> {
    return this.intake.guarded(documentId, async () => {
      const { parameters, upload, live } = await this.readParts(req, documentId);
      const options = this.checked(openOptionsOf(parameters, this.kind.preview));
      if (upload && parameters.url !== undefined) throw new ZohoFailure('invalidValue', 'url');
      if (live) {
        if (upload) await this.intake.discard(documentId);
        return {
          join: { documentId: live, options: { mode: options.mode, user: options.user, callback: options.callback } },
        };
      }
      if (upload) return this.intake.accept(options, upload);
      if (parameters.url !== undefined) {
        return this.intake.accept(options, await this.intake.importUrl(parameters.url, documentId));
      }
      if (this.kind.preview) throw new ZohoFailure('missingParameter', 'document');
      const format = this.product.blank;
      const name = withExtension(options.document?.name ?? 'Untitled', format);
      const blank = await this.intake.storeBytes(documentId, blankDocument(format), name, CONTENT_TYPE_OF[format]);
      return this.intake.accept({ ...options, document: { ...options.document, name } }, blank);
    });
  }

  private async readParts(req: FastifyRequest, documentId: string) {
    const parameters: ZohoParameters = {};
    let upload: ContentSource | undefined;
    let live: string | null | undefined;
    let sentFile = false;
    const lookUp = async () => {
      const externalId = parameters.document_info?.document_id;
      live = externalId === undefined ? null : await this.liveDocument(req.tenantId!, externalId);
      return live;
    };
    const fingerprint = new RequestFingerprint(this.kind.scope);
    // SDKs send an empty body, without a Content-Type, when no parameter is set.
    const parts: AsyncIterable<Multipart> = req.isMultipart() ? partsOf(req) : noParts();
    for await (const part of parts) {
      if (part.type === 'file') {
        if (part.fieldname !== 'document' || sentFile) throw new ZohoFailure('invalidValue', part.fieldname);
        if (!isStorableText(part.filename) || !isStorableText(part.mimetype)) {
          throw new ZohoFailure('invalidValue', 'document');
        }
        sentFile = true;
        let sha256: string;
        // A co-editor sends the document again: read it for the fingerprint, keep the live one.
        if ((live === undefined ? await lookUp() : live) !== null) {
          sha256 = await digestOf(part.file);
        } else {
          upload = await this.intake.storeUpload(documentId, part);
          sha256 = upload.blob.sha256;
        }
        fingerprint.addFile(part.fieldname, part.filename, part.mimetype, sha256);
        continue;
      }
      const name = part.fieldname;
      // A part over the multipart limits arrives cut short: never act on part of a value.
      if (part.fieldnameTruncated || part.valueTruncated) throw new ZohoFailure('invalidValue', name);
      if (name === API_KEY_FIELD) {
        // A credential, not part of what is asked: it must be the key the request authenticated with.
        if (part.value !== req.zohoApiKey) throw new ZohoFailure('invalidApiKey', API_KEY_FIELD);
        continue;
      }
      // A part sent as application/json arrives parsed; the replay's fingerprint reads it the same way.
      const value = typeof part.value === 'string' ? part.value : JSON.stringify(part.value);
      fingerprint.addField(name, value);
      if (value.includes('\0')) throw new ZohoFailure('invalidValue', name);
      if (isJsonPart(name)) {
        if (parameters[name] !== undefined) throw new ZohoFailure('invalidValue', name);
        assign(parameters, name, parseJsonPart(name, value));
      } else if (name === 'url') {
        if (parameters.url !== undefined || value.length > MAX_URL_LENGTH) throw new ZohoFailure('invalidValue', 'url');
        parameters.url = value;
      } else if (!IGNORED_TEXT_PARTS.has(name)) {
        throw new ZohoFailure('invalidValue', name);
      }
    }
    req.bodyFingerprint = fingerprint.digest();
    return { parameters, upload, live: live === undefined ? await lookUp() : live };
  }

  /** The contract's bounds on what the parameters became (a callback URL, retries, ...). */
  private checked(options: OpenOptions): OpenOptions {
    const result = openOptionsSchema.safeParse(options);
    if (result.success) return result.data;
    const [option, key] = result.error.issues[0]?.path ?? [];
    throw new ZohoFailure('invalidValue', PARAMETER_OF[String(option)] ?? String(option), zohoKey(option, key));
  }
}

function assign<P extends JsonPartName>(parameters: ZohoParameters, name: P, value: ZohoParameters[P]): void {
  parameters[name] = value;
}

/** Zoho's key inside a JSON parameter for an open option's key. */
function zohoKey(option: PropertyKey | undefined, key: PropertyKey | undefined): string | undefined {
  if (option === 'callback')
    return (
      ({ headers: 'save_url_headers', timeout_ms: 'timeout' } as Record<string, string>)[String(key)] ?? String(key)
    );
  if (option === 'user') return key === 'id' ? 'user_id' : 'display_name';
  if (option === 'document') return key === 'external_id' ? 'document_id' : 'document_name';
  return undefined;
}

/** As long as `/v1` takes a URL. */
const MAX_URL_LENGTH = 2048;

/** What PostgreSQL can keep as a name or a content type: at most 255 characters, no NUL. */
const isStorableText = (value: string) => value.length <= 255 && !value.includes('\0');

async function* noParts(): AsyncGenerator<Multipart> {}

const withExtension = (name: string, format: string) => (extname(name) ? name : `${name}.${format}`);

async function digestOf(stream: Readable): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
