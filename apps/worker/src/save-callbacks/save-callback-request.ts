import { CALLBACK_HEADER_NAME, CALLBACK_HEADER_VALUE, RESERVED_CALLBACK_HEADERS } from '@docsession/contracts';
import type { SaveDelivery } from '@docsession/sessions';
import { SIGNATURE_HEADER, signatureOf } from '@docsession/tenancy';

/** The header that names the delivery, the same on every attempt, for partners to deduplicate by. */
export const DELIVERY_HEADER = 'X-Docsession-Delivery';
export const EVENT_HEADER = 'X-Docsession-Event';

/** A partner's header this process must set itself, or that would break the request (refused at open, too). */
const RESERVED = new Set(RESERVED_CALLBACK_HEADERS);

/** A configured header that cannot be sent: the delivery can never succeed as configured. */
export class InvalidCallbackHeader extends Error {}

/** The request of one attempt: the same bytes on every attempt of a delivery. */
export interface SaveCallbackRequest {
  body: Buffer;
  headers: Record<string, string>;
}

/** The `meta` part (API.md "Save callback"), plus the delivery id, which the signature covers. */
export function saveCallbackMeta(d: SaveDelivery): Record<string, unknown> {
  return {
    delivery_id: d.deliveryId,
    document_id: d.documentId,
    external_id: d.externalId,
    session_id: d.sessionId,
    user: d.user,
    version: d.version,
    saved_at: d.savedAt,
    metadata: d.metadata,
  };
}

/**
 * The signed multipart POST of one save: part `content` (the saved bytes, filename = document
 * name, the document's content type), part `meta` (JSON), the partner's configured headers,
 * and `X-Docsession-Signature: sha256=<hex HMAC-SHA256 of exactly these body bytes>` under the
 * tenant's webhook secret. Ours win over a configured header of the same name.
 */
export function saveCallbackRequest(d: SaveDelivery, content: Buffer, webhookSecret: string): SaveCallbackRequest {
  const boundary = boundaryFor(d.deliveryId, content);
  const body = multipartBody(boundary, [
    { name: 'content', filename: d.name, contentType: d.contentType, data: content },
    { name: 'meta', contentType: 'application/json', data: Buffer.from(JSON.stringify(saveCallbackMeta(d))) },
  ]);
  return {
    body,
    headers: {
      ...partnerHeaders(d.callback?.headers ?? {}),
      'Content-Type': `multipart/form-data; boundary=${boundary}`,
      [SIGNATURE_HEADER]: signatureOf(webhookSecret, body),
      [DELIVERY_HEADER]: d.deliveryId,
      [EVENT_HEADER]: 'document.saved',
    },
  };
}

export interface MultipartPart {
  name: string;
  filename?: string;
  contentType: string;
  data: Buffer;
}

/** multipart/form-data (RFC 7578) with CRLF line ends, as browsers send it. */
export function multipartBody(boundary: string, parts: MultipartPart[]): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    let disposition = `form-data; name="${escapeQuoted(part.name)}"`;
    if (part.filename !== undefined) disposition += `; filename="${escapeQuoted(part.filename)}"`;
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: ${disposition}\r\nContent-Type: ${safeType(part.contentType)}\r\n\r\n`,
      ),
      part.data,
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

/** A media type can never break out of its header line. */
function safeType(contentType: string): string {
  return /^[\x21-\x7e][\x20-\x7e]*$/.test(contentType) ? contentType : 'application/octet-stream';
}

/**
 * A boundary derived from the delivery id, so every attempt sends the same bytes (and the
 * same signature); lengthened in the astronomically unlikely case the content contains it.
 */
export function boundaryFor(deliveryId: string, content: Buffer): string {
  let boundary = `docsession-${deliveryId}`;
  for (let n = 1; content.includes(boundary); n++) boundary = `docsession-${deliveryId}-${n}`;
  return boundary;
}

/**
 * Names in a quoted Content-Disposition parameter, the way the WHATWG form encoder writes
 * them: UTF-8 as is, with `"`, CR and LF percent-encoded so they cannot end the header.
 */
function escapeQuoted(value: string): string {
  return value.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** The configured headers that may be sent; throws InvalidCallbackHeader for one that cannot be. */
export function partnerHeaders(configured: Record<string, string>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(configured)) {
    if (!CALLBACK_HEADER_NAME.test(name))
      throw new InvalidCallbackHeader(`Callback header name ${JSON.stringify(name)} is not valid.`);
    if (!CALLBACK_HEADER_VALUE.test(value))
      throw new InvalidCallbackHeader(`Callback header ${name} has an invalid value.`);
    if (!RESERVED.has(name.toLowerCase())) headers[name] = value;
  }
  return headers;
}
