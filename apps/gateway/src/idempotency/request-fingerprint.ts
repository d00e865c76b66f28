import { createHash } from 'node:crypto';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the document intake for a multipart upload, whose parts are only known once read. */
    bodyFingerprint?: string;
  }
}

/**
 * A SHA-256 over what a request asked for, to tell a true retry (same key, same
 * request) from a reused key. It covers meaning, not transport: a JSON body is hashed
 * in canonical form (keys sorted, no spaces), and a multipart upload by its parts in
 * order — each file by its field name, filename, media type and the SHA-256 of its
 * bytes (the boundary a client picks anew on every retry is left out). Every value is
 * length-prefixed, so no two different requests can run together into one input.
 */
export class RequestFingerprint {
  private readonly hash = createHash('sha256');

  /** `scope` names the operation and its target, e.g. `open` or `join:<document id>`. */
  constructor(scope: string) {
    this.add('scope', scope);
  }

  addField(name: string, value: string): this {
    return this.add(`field:${name}`, value);
  }

  addFile(name: string, filename: string, mimetype: string, sha256: string): this {
    return this.add(`file:${name}`, `${filename}\n${mimetype}\n${sha256}`);
  }

  digest(): string {
    return this.hash.digest('hex');
  }

  private add(label: string, value: string): this {
    for (const part of [label, value]) this.hash.update(`${Buffer.byteLength(part)}:`).update(part);
    return this;
  }
}

/** The fingerprint of a JSON request: its scope and body in canonical form. */
export function jsonFingerprint(scope: string, body: unknown): string {
  return new RequestFingerprint(scope).addField('json', canonicalJson(body ?? {})).digest();
}

/** JSON with object keys sorted at every level; `undefined` members are left out, as JSON.stringify does. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
