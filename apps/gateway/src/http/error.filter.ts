import { DomainError, ErrorCode, errorBodySchema, HTTP_STATUS_OF, type ErrorBody } from '@docsession/contracts';
import { isOutage } from '@docsession/platform';
import { BlobTooLargeError } from '@docsession/storage';
import { ArgumentsHost, Catch, HttpException, Logger, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { z, ZodError } from 'zod';

/** Fastify's own errors that are the client's fault, by their code. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: ErrorCode.InvalidRequest,
  FST_ERR_CTP_EMPTY_JSON_BODY: ErrorCode.InvalidRequest,
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: ErrorCode.InvalidRequest,
  FST_ERR_CTP_BODY_TOO_LARGE: ErrorCode.PayloadTooLarge,
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ErrorCode.UnsupportedMediaType,
  FST_INVALID_MULTIPART_CONTENT_TYPE: ErrorCode.InvalidRequest,
  FST_REQ_FILE_TOO_LARGE: ErrorCode.PayloadTooLarge,
  FST_PARTS_LIMIT: ErrorCode.InvalidRequest,
  FST_FILES_LIMIT: ErrorCode.InvalidRequest,
  FST_FIELDS_LIMIT: ErrorCode.InvalidRequest,
  FST_PROTO_VIOLATION: ErrorCode.InvalidRequest,
  // A multipart text part declared application/json whose value is not JSON.
  FST_INVALID_JSON_FIELD_ERROR: ErrorCode.InvalidRequest,
};

const HTTP_CODES: Record<number, ErrorCode> = {
  400: ErrorCode.InvalidRequest,
  401: ErrorCode.Unauthorized,
  403: ErrorCode.Forbidden,
  404: ErrorCode.NotFound,
  413: ErrorCode.PayloadTooLarge,
  415: ErrorCode.UnsupportedMediaType,
  429: ErrorCode.RateLimited,
};

const logger = new Logger('Errors');

/** The body of every error answer. */
export const errorEnvelopeSchema = z.object({ error: errorBodySchema }).meta({ id: 'Error' });
export type ErrorEnvelope = z.infer<typeof errorEnvelopeSchema>;

/**
 * The one place where failures become HTTP answers: every error leaves the gateway
 * with a status and body from the contract's table, and nothing internal in it. Used
 * by the Nest filter below and by Fastify's error handler (body-parsing errors never
 * reach Nest).
 */
export function sendError(reply: FastifyReply, exception: unknown): void {
  if (reply.sent) return;
  const body = errorBodyOf(exception);
  const envelope: ErrorEnvelope = { error: body };
  reply
    .status(HTTP_STATUS_OF[body.code])
    .header('content-type', 'application/json; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(envelope);
}

@Catch()
export class ContractErrorFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    sendError(host.switchToHttp().getResponse<FastifyReply>(), exception);
  }
}

/** The contract's error for `exception`; unexpected ones and outages are logged unless `log` is false. */
export function errorBodyOf(exception: unknown, log = true): ErrorBody {
  if (exception instanceof DomainError) {
    // An outage's or a bug's details would be internal causes (hosts, driver errors): those are logged where they happen.
    return exception.code === ErrorCode.Unavailable || exception.code === ErrorCode.Internal
      ? { code: exception.code, message: exception.message }
      : exception.toBody();
  }
  if (exception instanceof ZodError) {
    return {
      code: ErrorCode.InvalidRequest,
      message: 'The request is not valid.',
      details: exception.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    };
  }
  if (exception instanceof BlobTooLargeError) {
    return {
      code: ErrorCode.PayloadTooLarge,
      message: `The document is larger than the limit of ${exception.maxBytes} bytes.`,
    };
  }
  const fastifyCode = (exception as { code?: unknown })?.code;
  if (typeof fastifyCode === 'string' && fastifyCode in FASTIFY_CODES) {
    const code = FASTIFY_CODES[fastifyCode];
    return { code, message: messageFor(code, (exception as Error).message) };
  }
  if (exception instanceof HttpException) {
    const code = HTTP_CODES[exception.getStatus()];
    if (code) return { code, message: messageFor(code, exception.message) };
  }
  if (isOutage(exception)) {
    // A dependency is down or has no connection free (the pool's acquire timeout): 503, never a hang.
    if (log) logger.warn(`Unavailable: ${(exception as Error).message}`);
    return { code: ErrorCode.Unavailable, message: 'The service is temporarily unavailable.' };
  }
  // Not a client's fault and not an outage: a bug, answered as one (a 503 would send operators
  // looking for a dependency that is down) and logged with its stack.
  if (log) logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
  return { code: ErrorCode.Internal, message: 'The request failed unexpectedly.' };
}

function messageFor(code: ErrorCode, original: string): string {
  switch (code) {
    case ErrorCode.PayloadTooLarge:
      return 'The request body is larger than allowed.';
    case ErrorCode.UnsupportedMediaType:
      return 'Unsupported Content-Type: send application/json or multipart/form-data.';
    case ErrorCode.NotFound:
      return 'Not found.';
    default:
      return original.endsWith('.') ? original : `${original}.`;
  }
}
