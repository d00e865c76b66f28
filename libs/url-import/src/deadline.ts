import { timeoutError, type UrlImportError } from './errors';

/**
 * The single timer covering a whole import (connect, redirects, headers, body). Whatever currently owns
 * the connection - a pending request, then the body stream - registers how to abort itself on expiry.
 */
export class Deadline {
  private abort: (err: UrlImportError) => void = () => undefined;
  private expired = false;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly timeoutMs: number) {
    this.timer = setTimeout(() => {
      this.expired = true;
      this.abort(timeoutError(this.timeoutMs));
    }, timeoutMs);
  }

  /** Hands the deadline to a new owner; if it already passed (e.g. between two redirect hops), aborts at once. */
  onExpiry(abort: (err: UrlImportError) => void): void {
    this.abort = abort;
    if (this.expired) abort(timeoutError(this.timeoutMs));
  }

  clear(): void {
    clearTimeout(this.timer);
  }
}
