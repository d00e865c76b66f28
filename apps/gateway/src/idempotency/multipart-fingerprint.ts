import type { FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { partsOf } from '../http/read-ahead-parts';
import { DomainError } from '@docsession/contracts';
import { endedEarly, truncatedMultipart } from '../http/complete-parts';
import { RequestFingerprint } from './request-fingerprint';

const NO_CREDENTIALS: ReadonlySet<string> = new Set();

/**
 * The fingerprint of a multipart upload, read without storing anything: for a request
 * whose key already has an answer, only to tell a retry from a reused key. Computes
 * exactly what the document intake computes while it stores the parts. `credentials`
 * name text parts that carry a credential (Zoho's `apikey`): they say who asks, not
 * what, and are left out, as the intake leaves them out.
 */
export async function multipartFingerprint(
  req: FastifyRequest,
  scope: string,
  credentials: ReadonlySet<string> = NO_CREDENTIALS,
): Promise<string> {
  const fingerprint = new RequestFingerprint(scope);
  for await (const part of partsOf(req)) {
    if (part.type === 'file') {
      const hash = createHash('sha256');
      try {
        for await (const chunk of part.file) hash.update(chunk as Buffer);
      } catch (err) {
        throw endedEarly(part.file) && !(err instanceof DomainError) ? truncatedMultipart() : err;
      }
      fingerprint.addFile(part.fieldname, part.filename, part.mimetype, hash.digest('hex'));
    } else if (!credentials.has(part.fieldname)) {
      fingerprint.addField(part.fieldname, typeof part.value === 'string' ? part.value : JSON.stringify(part.value));
    }
  }
  return fingerprint.digest();
}
