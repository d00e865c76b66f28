import { DomainError, ErrorCode, HTTP_STATUS_OF } from '@docsession/contracts';
import { Logger } from '@nestjs/common';
import { errorBodyOf } from './error.filter';

describe('errorBodyOf', () => {
  it('answers a failure nobody expected as 500 internal, logged with its stack, not as an outage', () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const bug = new TypeError("Cannot read properties of undefined (reading 'id')");
    const body = errorBodyOf(bug);
    expect(body).toEqual({ code: ErrorCode.Internal, message: 'The request failed unexpectedly.' });
    expect(HTTP_STATUS_OF[body.code]).toBe(500);
    expect(logged).toHaveBeenCalledWith(expect.stringContaining(bug.stack!.split('\n')[1]));
    logged.mockRestore();
  });

  it('keeps 503 for a dependency that is down, and hides the causes of both', () => {
    const down = Object.assign(new Error('connect ECONNREFUSED 10.0.0.7:5432'), { code: 'ECONNREFUSED' });
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    expect(errorBodyOf(down).code).toBe(ErrorCode.Unavailable);
    expect(errorBodyOf(new DomainError(ErrorCode.Internal, 'x', { host: 'db-1' }))).toEqual({
      code: ErrorCode.Internal,
      message: 'x',
    });
  });
});
