import { callbackHeadersSchema } from './callback-headers';
import { callbackSchema } from './events';

describe('callback headers', () => {
  const ok = (headers: Record<string, string>) => callbackHeadersSchema.safeParse(headers).success;

  it('takes header names that are tokens, with values Node can send', () => {
    expect(ok({ 'X-Token': 'partner-secret', Authorization: 'Bearer abc\tdef', 'x.a~b': '' })).toBe(true);
  });

  it.each([
    [{ 'Bad Name': 'x' }],
    [{ '': 'x' }],
    [{ 'X-Ok': 'line\r\nInjected: 1' }],
    [{ 'X-Ok': 'nul\u0000' }],
    [{ 'X-Ok': 'beyond latin-1 ✓' }],
    [{ 'Content-Type': 'text/evil' }],
    [{ 'X-Docsession-Signature': 'sha256=forged' }],
    [{ host: 'elsewhere' }],
  ])('refuses %j', (headers) => {
    expect(ok(headers)).toBe(false);
  });

  it('is what an open\u2019s callback takes', () => {
    expect(callbackSchema.safeParse({ save_url: 'https://p.example/save', headers: { 'Bad Name': 'x' } }).success).toBe(
      false,
    );
  });
});
