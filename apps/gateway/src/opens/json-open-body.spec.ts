import { DomainError } from '@docsession/contracts';
import fc from 'fast-check';
import { JsonOpenBody } from './json-open-body';

/** What the open accepted before it streamed: JSON.parse, then whitespace-free base64 checked whole. */
function reference(text: string): { members: Record<string, unknown>; content: Buffer | null } | 'invalid' {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return 'invalid';
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'invalid';
  const { content_base64: base64, ...members } = body as Record<string, unknown>;
  if (base64 === undefined || typeof base64 !== 'string')
    return { members: body as Record<string, unknown>, content: null };
  const compact = base64.replace(/\s+/g, '');
  if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return 'invalid';
  return { members, content: Buffer.from(compact, 'base64') };
}

function streamed(text: string, cuts: number[]) {
  const bytes = Buffer.from(text);
  const pieces: Buffer[] = [];
  const parser = new JsonOpenBody({ optionsBytes: 64 * 1024 }, (b) => pieces.push(b));
  try {
    let from = 0;
    for (const cut of [...cuts.map((c) => c % (bytes.length + 1)).sort((a, b) => a - b), bytes.length]) {
      parser.write(bytes.subarray(from, Math.max(from, cut)));
      from = Math.max(from, cut);
    }
    const members = parser.end();
    return { members, content: parser.hasContent ? Buffer.concat(pieces) : null };
  } catch (err) {
    if (err instanceof DomainError) return 'invalid';
    throw err;
  }
}

describe('JsonOpenBody', () => {
  it.each([
    ['{"content_base64":"aGk="}'],
    ['{ "document": {"name": "a.txt"}, "content_base64" : "aG k=", "mode":"view" }'],
    ['{"content_base64":"aG\\nk=","n":1.5e3,"t":true,"z":null,"a":[1,{"b":"}"}]}'],
    ['{"content_base64":"aGk\\u003d"}'],
    ['{"content_base64":"aG\\/k"}'],
    ['{"content_base64":""}'],
    ['{}'],
    ['{"x":"\\"}"}'],
    ['{"content_base64":5}'],
    ['{"content_base64":"aGk"}'],
    ['{"content_base64":"a=Gk"}'],
    ['{"content_base64":"aGk=" '],
    ['{"content_base64":"aGk="} x'],
    ['[1]'],
    ['{"a":1,}'],
    ['{"a" 1}'],
    ['{"content_base64":"aG\tk="}'],
    ['{"content_base64":"é"}'],
  ])('%s reads as the whole-body parse did', (text) => {
    expect(streamed(text, [])).toEqual(reference(text));
    for (let cut = 0; cut <= text.length; cut++) expect(streamed(text, [cut])).toEqual(reference(text));
  });

  it('agrees with the whole-body parse on generated bodies, cut anywhere', () => {
    const base64 = fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('base64'));
    const spaced = fc.tuple(base64, fc.array(fc.nat(), { maxLength: 4 })).map(([b, at]) => {
      let s = b;
      for (const i of at) s = `${s.slice(0, i % (s.length + 1))}${i % 2 ? ' ' : '\n'}${s.slice(i % (s.length + 1))}`;
      return s;
    });
    const body = fc.record({
      members: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
      content: fc.option(fc.oneof(spaced, fc.string({ maxLength: 10 })), { nil: undefined }),
      first: fc.boolean(),
    });
    fc.assert(
      fc.property(body, fc.array(fc.nat(), { maxLength: 3 }), ({ members, content, first }, cuts) => {
        const rest = JSON.stringify(members).slice(1, -1);
        const member = content === undefined ? '' : `"content_base64":${JSON.stringify(content)}`;
        const inner = [first ? member : rest, first ? rest : member].filter(Boolean).join(',');
        const text = `{${inner}}`;
        expect(streamed(text, cuts)).toEqual(reference(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('decodes a large document piece by piece', () => {
    const doc = Buffer.alloc(1_000_000, 7);
    const pieces: Buffer[] = [];
    const parser = new JsonOpenBody({ optionsBytes: 1024 }, (b) => pieces.push(b));
    const text = Buffer.from(`{"content_base64":"${doc.toString('base64')}"}`);
    for (let i = 0; i < text.length; i += 65_536) parser.write(text.subarray(i, i + 65_536));
    parser.end();
    expect(pieces.length).toBeGreaterThan(10);
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThanOrEqual(48 * 1024);
    expect(Buffer.concat(pieces).equals(doc)).toBe(true);
  });

  it('refuses options larger than their limit with 413', () => {
    const parser = new JsonOpenBody({ optionsBytes: 100 }, () => undefined);
    expect(() => parser.write(Buffer.from(`{"metadata":{"a":"${'x'.repeat(200)}"}}`))).toThrow(
      expect.objectContaining({ code: 'payload_too_large' }),
    );
  });
});
