import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { authenticate } from '../auth/api-key.guard';
import { VerifiedKeys } from '../auth/verified-keys';
import { readPartsUntil } from '../http/read-ahead-parts';
import { ZohoFailure } from './zoho-errors';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by ZohoApiKeyGuard: the key the request authenticated with, which a later `apikey` part must repeat. */
    zohoApiKey?: string;
  }
}

/** The multipart field that may carry the key instead of the query parameter. */
export const API_KEY_FIELD = 'apikey';

/**
 * Tenant auth on the Zoho routes: a docsession API key in the `apikey` query parameter,
 * where Zoho's SDKs put it, or in an `apikey` form field of a multipart body, as Zoho's
 * own curl examples send it. The query parameter is checked before the body is read. A
 * form field is looked for among the body's leading text parts (bounded by the multipart
 * limits), which are kept unprocessed until the key is good: a file part before any key
 * ends the search, unread, and the request is refused as missing its `apikey` — nothing
 * of a document is processed, stored or billed for a caller that has not authenticated
 * (ZohoErrorFilter discards the rest of the body).
 */
@Injectable()
export class ZohoApiKeyGuard implements CanActivate {
  constructor(private readonly keys: VerifiedKeys) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<FastifyRequest>();
    const key = apiKeyParameter(req) ?? (await apiKeyField(req));
    if (!key) throw new ZohoFailure('missingParameter', API_KEY_FIELD);
    await authenticate(this.keys, req, key);
    req.zohoApiKey = key;
    return true;
  }
}

/** The `apikey` query parameter; repeated, it is refused rather than guessed at. */
function apiKeyParameter(req: FastifyRequest): string | null {
  const value = (req.query as Record<string, unknown> | undefined)?.[API_KEY_FIELD];
  if (Array.isArray(value)) throw new ZohoFailure('invalidApiKey', API_KEY_FIELD);
  return typeof value === 'string' && value ? value : null;
}

/** The first `apikey` text part of a multipart body, if it comes before any file part. */
async function apiKeyField(req: FastifyRequest): Promise<string | null> {
  if (req.method !== 'POST' || !req.isMultipart()) return null;
  const part = await readPartsUntil(req, (p) => p.type === 'file' || p.fieldname === API_KEY_FIELD);
  if (!part || part.type === 'file') return null;
  return typeof part.value === 'string' && part.value && !part.valueTruncated ? part.value : null;
}
