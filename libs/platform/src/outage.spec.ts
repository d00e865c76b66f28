import { DomainError, ErrorCode } from '@docsession/contracts';
import { isOutage } from './outage';

function withCode(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('isOutage', () => {
  it.each([
    ['the server refusing connections', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['an admin shutdown', withCode('terminating connection due to administrator command', '57P01')],
    ['a connection failure', withCode('connection failure', '08006')],
    ['too many connections', withCode('sorry, too many clients already', '53300')],
    ['a deadlock', withCode('deadlock detected', '40P01')],
    ['the pool timing out', new Error('timeout exceeded when trying to connect')],
    ['a dropped connection', new Error('Connection terminated unexpectedly')],
    ['Redis away', new Error("Stream isn't writeable and enableOfflineQueue options is false")],
    ['a 503 of our own', new DomainError(ErrorCode.Unavailable, 'The message broker is not reachable.')],
    ['an outage as the cause', new Error('batch failed', { cause: withCode('x', 'ECONNRESET') })],
  ])('counts %s as an outage', (_, err) => expect(isOutage(err)).toBe(true));

  it.each([
    ['a check violation', withCode('new row violates check constraint', '23514')],
    ['a NUL byte', withCode('invalid byte sequence for encoding "UTF8": 0x00', '22021')],
    ['a statement timeout', withCode('canceling statement due to statement timeout', '57014')],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['another domain error', new DomainError(ErrorCode.NotFound, 'No such document.')],
    ['a string', 'boom'],
  ])('does not count %s as an outage', (_, err) => expect(isOutage(err)).toBe(false));
});
