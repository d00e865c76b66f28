import { DomainError } from '@docsession/contracts';
import { idempotencyKeyOf } from './idempotency-key';

describe('idempotencyKeyOf', () => {
  it('is null without the header', () => {
    expect(idempotencyKeyOf({})).toBeNull();
  });

  it('takes keys of up to 255 characters, trimmed', () => {
    expect(idempotencyKeyOf({ 'idempotency-key': ' order-17 ' })).toBe('order-17');
    expect(idempotencyKeyOf({ 'idempotency-key': 'k'.repeat(255) })).toBe('k'.repeat(255));
  });

  it.each<[string, string | string[]]>([
    ['too long', 'k'.repeat(256)],
    ['empty', ''],
    ['blank', '   '],
    ['sent twice', ['a', 'b']],
  ])('refuses a key that is %s with a 400', (_what, value) => {
    let error: unknown;
    try {
      idempotencyKeyOf({ 'idempotency-key': value as string });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('invalid_request');
  });
});
