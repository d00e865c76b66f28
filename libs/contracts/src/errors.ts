import { z } from 'zod';

/**
 * The error codes of the HTTP contract. Services raise `DomainError` with one of them;
 * the gateway's exception filter turns it into the status and envelope of API.md.
 */
export const ErrorCode = {
  InvalidRequest: 'invalid_request',
  Unauthorized: 'unauthorized',
  Forbidden: 'forbidden',
  NotFound: 'not_found',
  IdempotencyKeyReused: 'idempotency_key_reused',
  /** WOPI: the document is locked by someone else, or changed since the editor loaded it. */
  Conflict: 'conflict',
  Gone: 'gone',
  PayloadTooLarge: 'payload_too_large',
  UnsupportedMediaType: 'unsupported_media_type',
  UrlFetchFailed: 'url_fetch_failed',
  UsageExceeded: 'usage_exceeded',
  RateLimited: 'rate_limited',
  /** A failure nobody expected (a bug): logged with its stack where it happened. */
  Internal: 'internal',
  Unavailable: 'unavailable',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const HTTP_STATUS_OF: Record<ErrorCode, number> = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  idempotency_key_reused: 409,
  conflict: 409,
  gone: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  url_fetch_failed: 422,
  usage_exceeded: 429,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
};

export const errorCodeSchema = z
  .enum(ErrorCode)
  .meta({ description: 'The HTTP status of each code is fixed by the contract.' });

/** The serialisable shape of an error, as it crosses the broker in an RPC reply and in an HTTP answer. */
export const errorBodySchema = z.object({
  code: errorCodeSchema,
  message: z.string().meta({ description: 'A human sentence.' }),
  details: z.unknown().optional().meta({ description: 'Optional; any JSON that helps (e.g. the invalid fields).' }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'DomainError';
  }

  toBody(): ErrorBody {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }

  static isBody(value: unknown): value is ErrorBody {
    return (
      typeof value === 'object' &&
      value !== null &&
      typeof (value as ErrorBody).code === 'string' &&
      (value as ErrorBody).code in HTTP_STATUS_OF &&
      typeof (value as ErrorBody).message === 'string'
    );
  }
}
