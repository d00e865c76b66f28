import { currentRequestId, enableRequestContext, requestIdFrom, withRequestId } from './request-context';

describe('request ids', () => {
  it("keeps a client's id of up to 128 visible ASCII characters, and makes up a UUID otherwise", () => {
    expect(requestIdFrom('trace-42')).toBe('trace-42');
    expect(requestIdFrom('x'.repeat(128))).toBe('x'.repeat(128));
    for (const presented of [undefined, '', 'x'.repeat(129), 'has space', 'tab\there', 'ünïcode', ['a', 'b']]) {
      expect(requestIdFrom(presented)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
  });

  it('follows what a request causes across awaits, and nothing outside it', async () => {
    enableRequestContext(true);
    expect(currentRequestId()).toBeUndefined();
    const seen = await withRequestId('trace-7', async () => {
      await new Promise((r) => setTimeout(r, 1));
      return currentRequestId();
    });
    expect(seen).toBe('trace-7');
    expect(currentRequestId()).toBeUndefined();
    // An id that could not have come from an acceptable header is not taken on.
    expect(withRequestId('bad id', () => currentRequestId())).toBeUndefined();
  });

  it('is not kept while switched off (text logs)', () => {
    enableRequestContext(false);
    expect(withRequestId('trace-8', () => currentRequestId())).toBeUndefined();
  });
});
