/** Why an import failed; stable strings so callers can map them to API error codes. */
export type UrlImportFailure =
  | 'invalid_url'
  | 'scheme'
  | 'blocked_address'
  | 'dns'
  | 'redirect_limit'
  | 'redirect_loop'
  | 'timeout'
  | 'http_status'
  | 'too_large'
  | 'network';

/** The only error openUrl and its body stream produce; `message` is safe to show to the API user. */
export class UrlImportError extends Error {
  constructor(
    readonly reason: UrlImportFailure,
    message: string,
  ) {
    super(message);
    this.name = 'UrlImportError';
  }
}

export const BLOCKED_MESSAGE = 'The URL resolves to a private or loopback address, which is not allowed.';

export function blockedAddressError(): UrlImportError {
  return new UrlImportError('blocked_address', BLOCKED_MESSAGE);
}

export function timeoutError(timeoutMs: number): UrlImportError {
  return new UrlImportError('timeout', `The remote server did not deliver the document within ${timeoutMs} ms.`);
}

export function tooLargeError(maxBytes: number): UrlImportError {
  return new UrlImportError('too_large', `The document is larger than the allowed ${maxBytes} bytes.`);
}

/** Turns a socket/TLS/DNS failure into a UrlImportError without leaking internal details beyond the error code. */
export function networkError(err: unknown): UrlImportError {
  if (err instanceof UrlImportError) return err;
  const code = errorCode(err);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NODATA' || code === 'EAI_NONAME') {
    return new UrlImportError('dns', 'The host name of the URL could not be resolved.');
  }
  return new UrlImportError('network', `The remote server could not be reached${code ? ` (${code})` : ''}.`);
}

function errorCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string') return err.code;
  return undefined;
}
