import { ErrorCode } from '@docsession/contracts';
import { ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { errorBodyOf, sendError } from '../http/error.filter';
import type { ZohoErrorKind, ZohoProduct } from './zoho-products';

/** Zoho's error body: what its SDKs read from a 400 answer. */
export const zohoErrorSchema = z
  .object({
    code: z
      .int()
      .meta({ description: "Zoho's error code of the product (Writer 18xx, Sheet 28xx, Show 38xx).", example: 1846 }),
    message: z.string().meta({ example: 'Invalid API Key.' }),
    parameter_name: z.string().optional().meta({ description: 'The request parameter at fault.', example: 'apikey' }),
    key_name: z
      .string()
      .optional()
      .meta({ description: 'The key at fault inside a JSON parameter.', example: 'document_id' }),
  })
  .meta({ id: 'ZohoError' });
export type ZohoErrorBody = z.infer<typeof zohoErrorSchema>;

/** A failure the adapter names in Zoho's terms. */
export class ZohoFailure extends Error {
  constructor(
    readonly kind: ZohoErrorKind,
    readonly parameterName?: string,
    readonly keyName?: string,
  ) {
    super(kind);
    this.name = 'ZohoFailure';
  }
}

interface Translation {
  kind: ZohoErrorKind;
  parameterName?: string;
}

/** The contract's codes in Zoho's terms; rate_limited keeps the contract's answer (429 with Retry-After). */
const TRANSLATIONS: Partial<Record<ErrorCode, Translation>> = {
  [ErrorCode.InvalidRequest]: { kind: 'invalidValue' },
  [ErrorCode.Unauthorized]: { kind: 'invalidApiKey', parameterName: 'apikey' },
  [ErrorCode.Forbidden]: { kind: 'invalidValue' },
  [ErrorCode.IdempotencyKeyReused]: { kind: 'invalidValue', parameterName: 'Idempotency-Key' },
  [ErrorCode.PayloadTooLarge]: { kind: 'fileTooLarge', parameterName: 'document' },
  [ErrorCode.UnsupportedMediaType]: { kind: 'unsupportedType', parameterName: 'document' },
  [ErrorCode.UrlFetchFailed]: { kind: 'urlImportFailed', parameterName: 'url' },
  [ErrorCode.UsageExceeded]: { kind: 'usageExceeded' },
  [ErrorCode.Unavailable]: { kind: 'unavailable' },
};

/**
 * Errors of the Zoho routes as Zoho sends them: status 400 with `{code, message,
 * parameter_name?}`, the only error answer its SDKs read. Two exceptions keep their
 * status: 503 (a dependency is down, not the caller's fault; the body is still Zoho's)
 * and 429 rate_limited (the contract's answer, with its Retry-After).
 */
@Catch()
export class ZohoErrorFilter implements ExceptionFilter {
  constructor(private readonly product: ZohoProduct) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    if (reply.sent) return;
    const req = http.getRequest<FastifyRequest>();
    // Refused before its body was read to the end (a document sent before any key, a bad part
    // before the document): the rest is discarded unprocessed, so that a client still sending
    // gets the answer (a closed connection would be a broken pipe to it) and the connection
    // stays usable. REQUEST_TIMEOUT_SECONDS bounds a body that never ends.
    if (!req.raw.complete) {
      req.raw.unpipe();
      req.raw.resume();
    }
    const translation = this.translate(exception, req);
    if (!translation) return sendError(reply, exception);
    const { kind, parameterName, keyName } = translation;
    const body: ZohoErrorBody = {
      ...this.product.errors[kind],
      ...(parameterName && { parameter_name: parameterName }),
      ...(keyName && { key_name: keyName }),
    };
    reply
      .status(kind === 'unavailable' ? 503 : 400)
      .header('content-type', 'application/json; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(body);
  }

  private translate(exception: unknown, req: FastifyRequest): (Translation & { keyName?: string }) | null {
    if (exception instanceof ZohoFailure) {
      return { kind: exception.kind, parameterName: exception.parameterName, keyName: exception.keyName };
    }
    const { code } = errorBodyOf(exception);
    if (code === ErrorCode.NotFound || code === ErrorCode.Gone) {
      // An unknown id is Zoho's "invalid session/document id", named by the route's parameter.
      return (req.routeOptions.url ?? '').includes(':sessionId')
        ? { kind: 'invalidSession', parameterName: 'session_id' }
        : { kind: 'invalidDocument', parameterName: 'document_id' };
    }
    return TRANSLATIONS[code] ?? null;
  }
}
