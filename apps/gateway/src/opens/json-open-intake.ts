import type { BlobStore, StoredBlob } from '@docsession/storage';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { PassThrough, type Readable } from 'node:stream';
import { JSON_BODY_LIMIT } from '../http/body-limits';
import { canonicalJson, RequestFingerprint } from '../idempotency/request-fingerprint';
import { JsonOpenBody } from './json-open-body';

/** A JSON open as read: its members but content_base64, and the content, stored (null: none sent). */
export interface JsonOpenRead {
  members: Record<string, unknown>;
  blob: StoredBlob | null;
}

/**
 * Decoded content held in memory before it starts streaming into the store: a small document
 * is stored in one write, as before, and a large one never has more than this (plus the
 * stream's buffers) in memory.
 */
const IN_MEMORY_BYTES = 256 * 1024;

/** The fingerprint of a JSON open, for its Idempotency-Key: its other members in canonical form, and its content's hash. */
export function jsonOpenFingerprint(scope: string, members: Record<string, unknown>, sha256: string | null): string {
  return new RequestFingerprint(scope)
    .addField('json', canonicalJson(members))
    .addField('content_base64', sha256 ?? '')
    .digest();
}

/**
 * Reads a JSON open's body as it streams, decoding content_base64 into the store under `key`
 * (at most `maxBytes`; over it the store's 413). On any failure the caller removes `key`.
 */
export async function storeJsonOpen(
  body: Readable,
  blobs: BlobStore,
  key: string,
  maxBytes: number,
): Promise<JsonOpenRead> {
  const held: Buffer[] = [];
  let heldBytes = 0;
  let sink: PassThrough | null = null;
  let stored: Promise<StoredBlob> | null = null;
  let storeFailed: unknown = null;
  const parser = new JsonOpenBody({ optionsBytes: JSON_BODY_LIMIT }, (bytes) => {
    if (sink) return void sink.write(bytes);
    held.push(bytes);
    heldBytes += bytes.length;
    if (heldBytes <= IN_MEMORY_BYTES) return;
    sink = new PassThrough();
    sink.on('error', () => undefined); // the store's pipeline reports it
    stored = blobs.write(key, sink, maxBytes);
    stored.catch((err: unknown) => (storeFailed ??= err ?? new Error('store failed')));
    for (const piece of held.splice(0)) sink.write(piece);
  });
  try {
    for await (const chunk of body) {
      parser.write(chunk as Buffer);
      if (storeFailed) throw storeFailed;
      const s = sink as PassThrough | null;
      if (s?.writableNeedDrain) await Promise.race([once(s, 'drain'), stored]);
    }
    const members = parser.end();
    if (sink) {
      (sink as PassThrough).end();
      return { members, blob: await stored! };
    }
    if (!parser.hasContent) return { members, blob: null };
    return { members, blob: await blobs.write(key, Buffer.concat(held), maxBytes) };
  } catch (err) {
    (sink as PassThrough | null)?.destroy(err as Error);
    await (stored as Promise<StoredBlob> | null)?.catch(() => undefined);
    throw storeFailed ?? err;
  }
}

/** The fingerprint of a JSON open read without storing anything (a retry's, to compare with the first's). */
export async function readJsonOpenFingerprint(body: Readable, scope: string): Promise<string> {
  const hash = createHash('sha256');
  const parser = new JsonOpenBody({ optionsBytes: JSON_BODY_LIMIT }, (bytes) => hash.update(bytes));
  for await (const chunk of body) parser.write(chunk as Buffer);
  const members = parser.end();
  return jsonOpenFingerprint(scope, members, parser.hasContent ? hash.digest('hex') : null);
}
