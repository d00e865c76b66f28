import { canonicalJson, jsonFingerprint, RequestFingerprint } from './request-fingerprint';

describe('canonicalJson', () => {
  it('sorts keys at every level and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: undefined } })).toBe(
      '{"a":{"d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('writes scalars as JSON does', () => {
    expect(canonicalJson('x"y')).toBe('"x\\"y"');
    expect(canonicalJson(null)).toBe('null');
    expect(canonicalJson([undefined])).toBe('[null]');
    expect(canonicalJson(undefined)).toBe('null');
  });
});

describe('jsonFingerprint', () => {
  it('is the same for the same request, whatever the key order', () => {
    expect(jsonFingerprint('open', { mode: 'view', user: { id: 'u', display_name: 'A' } })).toBe(
      jsonFingerprint('open', { user: { display_name: 'A', id: 'u' }, mode: 'view' }),
    );
  });

  it('differs by body, by scope and by target document', () => {
    const body = { mode: 'view' };
    const fingerprints = [
      jsonFingerprint('open', body),
      jsonFingerprint('open', { mode: 'edit' }),
      jsonFingerprint('join:a', body),
      jsonFingerprint('join:b', body),
    ];
    expect(new Set(fingerprints).size).toBe(4);
  });

  it('treats a missing join body as an empty one', () => {
    expect(jsonFingerprint('join:a', undefined)).toBe(jsonFingerprint('join:a', {}));
  });
});

describe('RequestFingerprint', () => {
  it('cannot be fooled by moving bytes between values', () => {
    const a = new RequestFingerprint('open').addField('options', 'ab').addField('x', 'c').digest();
    const b = new RequestFingerprint('open').addField('options', 'a').addField('bx', 'c').digest();
    expect(a).not.toBe(b);
  });

  it('covers a file’s name, type and content hash, and the order of parts', () => {
    const file = (name: string, type: string, hash: string) =>
      new RequestFingerprint('open').addFile('file', name, type, hash).addField('options', '{}').digest();
    const base = file('a.txt', 'text/plain', 'h1');
    expect(file('a.txt', 'text/plain', 'h1')).toBe(base);
    expect(file('b.txt', 'text/plain', 'h1')).not.toBe(base);
    expect(file('a.txt', 'text/csv', 'h1')).not.toBe(base);
    expect(file('a.txt', 'text/plain', 'h2')).not.toBe(base);
    const reordered = new RequestFingerprint('open')
      .addField('options', '{}')
      .addFile('file', 'a.txt', 'text/plain', 'h1')
      .digest();
    expect(reordered).not.toBe(base);
  });
});
