import type { FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { RequestFingerprint } from './request-fingerprint';

/**
 * The fingerprint of a multipart upload, read without storing anything: for a request
 * whose key already has an answer, only to tell a retry from a reused key. Computes
 * exactly what the document intake computes while it stores the parts.
 */
export async function multipartFingerprint(req: FastifyRequest, scope: string): Promise<string> {
  const fingerprint = new RequestFingerprint(scope);
  for await (const part of req.parts()) {
    if (part.type === 'file') {
      const hash = createHash('sha256');
      for await (const chunk of part.file) hash.update(chunk as Buffer);
      fingerprint.addFile(part.fieldname, part.filename, part.mimetype, hash.digest('hex'));
    } else {
      fingerprint.addField(part.fieldname, typeof part.value === 'string' ? part.value : JSON.stringify(part.value));
    }
  }
  return fingerprint.digest();
}
