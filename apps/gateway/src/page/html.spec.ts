import { escapeHtml, formatBytes, htmlDocument } from './html';

describe('escapeHtml', () => {
  it('escapes the five characters that matter in content and quoted attributes', () => {
    expect(escapeHtml(`<script>alert("x")</script> & 'quoted'`)).toBe(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quoted&#39;',
    );
  });

  it('escapes an ampersand once, and leaves everything else as it is', () => {
    expect(escapeHtml('&amp;')).toBe('&amp;amp;');
    expect(escapeHtml('Résumé – 📄 `x` = y')).toBe('Résumé – 📄 `x` = y');
    expect(escapeHtml('')).toBe('');
  });

  it('makes attribute breakouts inert', () => {
    const attr = `<a title="${escapeHtml('" onmouseover="alert(1)')}">`;
    expect(attr).toBe('<a title="&quot; onmouseover=&quot;alert(1)">');
  });
});

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1.0 KB'],
    [1536, '1.5 KB'],
    [10 * 1024, '10 KB'],
    [50 * 1024 * 1024, '50 MB'],
    [3 * 1024 ** 3, '3.0 GB'],
  ])('%d → %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});

describe('htmlDocument', () => {
  it('escapes the title and puts the nonce on the inline style and script only', () => {
    const html = htmlDocument({
      title: '</title><script>x()</script>',
      nonce: 'abc',
      style: 'b{}',
      body: '<p>hi</p>',
      script: 'go()',
    });
    expect(html).toContain('<title>&lt;/title&gt;&lt;script&gt;x()&lt;/script&gt;</title>');
    expect(html).toContain('<style nonce="abc">b{}</style>');
    expect(html).toContain('<script nonce="abc">go()</script>');
    expect(html.match(/<script/g)).toHaveLength(1);
  });

  it('has no script element when there is no script', () => {
    expect(htmlDocument({ title: 't', nonce: 'n', style: '', body: '' })).not.toContain('<script');
  });
});
