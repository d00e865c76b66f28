import { z } from 'zod';

/**
 * Headers a partner configures for its save callbacks (`callback.headers`), checked where the
 * open enters: a header that could never be sent is a 400 at open time, not a delivery that
 * gives up hours later. A header name is an RFC 9110 token; a value has no control character
 * but tab (what Node sends). The names docsession sets itself, or that would break the
 * request, cannot be configured.
 */
export const CALLBACK_HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
export const CALLBACK_HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** Lower-case names a configured header may not have (the worker's own, and the framing). */
export const RESERVED_CALLBACK_HEADERS: readonly string[] = [
  'content-type',
  'content-length',
  'transfer-encoding',
  'connection',
  'host',
  'user-agent',
  'x-docsession-signature',
  'x-docsession-delivery',
  'x-docsession-event',
];

export const callbackHeadersSchema = z
  .record(
    z
      .string()
      .min(1)
      .max(256)
      .regex(CALLBACK_HEADER_NAME, 'must be a header name (an RFC 9110 token)')
      .refine((name) => !RESERVED_CALLBACK_HEADERS.includes(name.toLowerCase()), 'is set by docsession itself'),
    z.string().max(4096).regex(CALLBACK_HEADER_VALUE, 'must hold no control characters but tab'),
  )
  .meta({ description: 'Sent with every callback request.', example: { 'X-Token': 'partner-secret' } });
