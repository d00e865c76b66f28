import { DomainError, ErrorCode, type ErrorBody } from '@docsession/contracts';
import { Catch, Logger, type RpcExceptionFilter } from '@nestjs/common';
import { throwError, type Observable } from 'rxjs';
import { ZodError } from 'zod';
import { isOutage } from './outage';

/**
 * Sends a handler's failure back to the caller as a contract error body, so the
 * gateway can answer with the right status. A dependency that is down is `unavailable`;
 * anything else unexpected is logged here with its stack and reported as `internal`,
 * without internals.
 */
@Catch()
export class DomainRpcExceptionFilter implements RpcExceptionFilter<unknown> {
  private readonly logger = new Logger('Rpc');

  catch(exception: unknown): Observable<ErrorBody> {
    if (exception instanceof DomainError) return throwError(() => exception.toBody());
    if (exception instanceof ZodError) {
      return throwError(() => ({ code: ErrorCode.InvalidRequest, message: 'Invalid request message.' }));
    }
    if (isOutage(exception)) {
      this.logger.warn(`Unavailable: ${(exception as Error).message}`);
      return throwError(() => ({ code: ErrorCode.Unavailable, message: 'The service failed to answer.' }));
    }
    // A bug: the caller answers 500 internal, not a 503 that looks like an outage.
    this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    return throwError(() => ({ code: ErrorCode.Internal, message: 'The service failed unexpectedly.' }));
  }
}
