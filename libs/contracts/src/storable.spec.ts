import { isStorableText, jsonProblemIn, metadataSchema, storableText } from './storable';
import { callbackSchema, sessionCreatedSchema, userSchema } from './events';

describe('storable text', () => {
  it.each([
    ['plain', 'u-17', true],
    ['empty', '', true],
    ['a surrogate pair (emoji)', 'a\u{1F600}b', true],
    ['NUL', 'a\u0000b', false],
    ['a lone high surrogate', 'a\ud83db', false],
    ['a lone high surrogate at the end', 'ab\ud83d', false],
    ['a lone low surrogate', 'a\ude00b', false],
    ['two high surrogates', '\ud83d\ud83d\ude00', false],
  ])('%s → %s', (_name, value, storable) => {
    expect(isStorableText(value)).toBe(storable);
    expect(storableText(255).safeParse(value).success).toBe(storable);
  });

  it('counts the length limit in UTF-16 code units', () => {
    expect(storableText(3).safeParse('abc').success).toBe(true);
    expect(storableText(3).safeParse('abcd').success).toBe(false);
  });
});

describe('JSON that jsonb keeps as sent', () => {
  it('finds NUL and lone surrogates in nested keys and strings, and non-finite numbers', () => {
    expect(jsonProblemIn({ a: [1, 'x', { b: null, c: true }] })).toBeNull();
    expect(jsonProblemIn({ a: { 'k\u0000': 1 } })?.path).toEqual(['a', 'k\u0000']);
    expect(jsonProblemIn({ a: [0, ['\ud800']] })?.path).toEqual(['a', 1, 0]);
    expect(jsonProblemIn(JSON.parse('{"n": 1e400}'))?.path).toEqual(['n']);
  });

  it('does not overflow the stack on deep nesting', () => {
    const deep = JSON.parse(`${'['.repeat(5_000)}"\\u0000"${']'.repeat(5_000)}`);
    expect(jsonProblemIn({ deep })?.path).toHaveLength(5_001);
  });

  it('metadata: refused with the path of the problem, and above 4 KiB', () => {
    const nested = metadataSchema.safeParse({ a: { b: ['ok', 'no\u0000'] } });
    expect(nested.success).toBe(false);
    expect(nested.error?.issues[0].path).toEqual(['a', 'b', 1]);
    expect(metadataSchema.safeParse({ 'key\u0000': 1 }).success).toBe(false);
    expect(metadataSchema.safeParse({ big: 'x'.repeat(4100) }).success).toBe(false);
    expect(metadataSchema.safeParse({ fine: 'x'.repeat(4000), emoji: '\u{1F600}' }).success).toBe(true);
  });
});

describe('the event schemas refuse what PostgreSQL refuses', () => {
  it('user, callback', () => {
    expect(userSchema.safeParse({ id: 'a\u0000b' }).success).toBe(false);
    expect(userSchema.safeParse({ display_name: '\udfff' }).success).toBe(false);
    expect(callbackSchema.safeParse({ save_url: 'https://a.example/\u0000' }).success).toBe(false);
    expect(callbackSchema.safeParse({ save_url: 'https://a.example/', headers: { 'X-\u0000': 'v' } }).success).toBe(
      false,
    );
    expect(callbackSchema.safeParse({ save_url: 'https://a.example/', headers: { 'X-A': 'v' } }).success).toBe(true);
  });

  it('session.created: the document’s name, external id, content type and metadata', () => {
    const id = '00000000-0000-4000-8000-000000000000';
    const hash = 'a'.repeat(64);
    const event = {
      eventId: id,
      occurredAt: '2026-12-03T08:00:00.000Z',
      tenantId: id,
      kind: 'open',
      session: {
        sessionId: id,
        tokenHash: hash,
        mode: 'edit',
        user: null,
        expiresAt: '2026-12-03T14:00:00.000Z',
        callback: null,
      },
      document: {
        documentId: id,
        name: 'a.txt',
        externalId: null,
        contentType: 'text/plain',
        sizeBytes: 2,
        sha256: hash,
        metadata: null,
      },
    };
    expect(sessionCreatedSchema.safeParse(event).success).toBe(true);
    const withDocument = (document: Record<string, unknown>) => ({
      ...event,
      document: { ...event.document, ...document },
    });
    expect(sessionCreatedSchema.safeParse(withDocument({ name: 'x'.repeat(256) })).success).toBe(false);
    expect(sessionCreatedSchema.safeParse(withDocument({ contentType: `text/${'x'.repeat(300)}` })).success).toBe(
      false,
    );
    expect(sessionCreatedSchema.safeParse(withDocument({ externalId: 'e\u0000' })).success).toBe(false);
    expect(sessionCreatedSchema.safeParse(withDocument({ metadata: { k: '\ud800' } })).success).toBe(false);
  });
});
