import { DomainError, ErrorCode, type ErrorBody } from '@docsession/contracts';
import { Catch, Logger, type RpcExceptionFilter } from '@nestjs/common';
import { throwError, type Observable } from 'rxjs';
import { ZodError } from 'zod';

/**
 * Sends a handler's failure back to the caller as a contract error body, so the
 * gateway can answer with the right status. Anything unexpected is logged here and
 * reported as `unavailable`, without internals.
 */
@Catch()
export class DomainRpcExceptionFilter implements RpcExceptionFilter<unknown> {
  private readonly logger = new Logger('Rpc');

  catch(exception: unknown): Observable<ErrorBody> {
    if (exception instanceof DomainError) return throwError(() => exception.toBody());
    if (exception instanceof ZodError) {
      return throwError(() => ({ code: ErrorCode.InvalidRequest, message: 'Invalid request message.' }));
    }
    this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    return throwError(() => ({ code: ErrorCode.Unavailable, message: 'The service failed to answer.' }));
  }
}
