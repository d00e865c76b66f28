import { parseConfig } from '@docsession/platform';
import { contentHeaders, newNonce, pageCsp, pageHeaders } from './page-security';

describe('page security headers', () => {
  it('makes a fresh 128-bit nonce per response', () => {
    const nonces = new Set(Array.from({ length: 100 }, newNonce));
    expect(nonces.size).toBe(100);
    for (const nonce of nonces) expect(Buffer.from(nonce, 'base64')).toHaveLength(16);
  });

  it('builds a CSP where only nonce-d inline code runs and nothing frames the page by default', () => {
    expect(pageCsp('N0nce', [])).toBe(
      "default-src 'none'; script-src 'nonce-N0nce'; style-src 'nonce-N0nce'; img-src 'self'; object-src 'self'; " +
        "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    expect(pageCsp('x', [])).not.toContain('unsafe');
  });

  it('lets the configured origins frame the page, and then drops X-Frame-Options', () => {
    const allowed = ['https://crm.example.com', 'https://*.partner.example'];
    const headers = pageHeaders('n', allowed);
    expect(headers['content-security-policy']).toMatch(
      /; frame-ancestors https:\/\/crm\.example\.com https:\/\/\*\.partner\.example$/,
    );
    expect(headers['x-frame-options']).toBeUndefined();
    expect(pageHeaders('n', [])['x-frame-options']).toBe('DENY');
  });

  it('sets no-store, no-referrer and nosniff on the page', () => {
    expect(pageHeaders('n', [])).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
    });
  });

  it('sandboxes served content (but PDF) and lets only the page and its framers embed it', () => {
    expect(contentHeaders('text/html', [])['content-security-policy']).toBe(
      "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'; sandbox",
    );
    expect(
      contentHeaders('application/pdf; x=y', ["'self'", 'https://crm.example.com'])['content-security-policy'],
    ).toBe(
      "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self' https://crm.example.com",
    );
    expect(contentHeaders('image/png', [])).toMatchObject({
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'cross-origin-resource-policy': 'same-origin',
    });
  });
});

describe('page settings', () => {
  it('refuse a heartbeat that is not more frequent than the idle timeout', () => {
    expect(() => parseConfig({ HEARTBEAT_SECONDS: '300', IDLE_TIMEOUT_SECONDS: '300' })).toThrow(/HEARTBEAT_SECONDS/);
    expect(parseConfig({ HEARTBEAT_SECONDS: '1', IDLE_TIMEOUT_SECONDS: '4' }).IDLE_TIMEOUT_SECONDS).toBe(4);
  });
});

describe('FRAME_ANCESTORS setting', () => {
  it('defaults to nobody', () => {
    expect(parseConfig({}).FRAME_ANCESTORS).toEqual([]);
  });

  it('takes origins separated by commas or spaces', () => {
    expect(
      parseConfig({ FRAME_ANCESTORS: "https://a.example.com, http://localhost:8080  https://*.b.example 'self'" })
        .FRAME_ANCESTORS,
    ).toEqual(['https://a.example.com', 'http://localhost:8080', 'https://*.b.example', "'self'"]);
  });

  it.each([
    'https://a.example.com; script-src *',
    '*',
    'https://a.example.com/path',
    "'none'",
    'javascript:alert(1)',
    'data:',
  ])('refuses %j', (value) => {
    expect(() => parseConfig({ FRAME_ANCESTORS: value })).toThrow(/FRAME_ANCESTORS/);
  });
});
