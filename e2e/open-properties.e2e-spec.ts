import { ErrorCode, HTTP_STATUS_OF } from '@docsession/contracts';
import fc from 'fast-check';
import { api, eventually, newTenant } from './support/api';
import { storedBlobKeys } from './support/blobs';
import { eventQueuesDrained, peekDeadLetters } from './support/bus';
import { countRows } from './support/database';

/**
 * The open API under generated input, hostile strings included: whatever a case sends, it
 * gets either a 4xx with the contract's envelope and leaves nothing stored or billed, or a 201
 * whose session can be read at once and is billed exactly once within 2 s. Nothing is left for
 * a consumer to choke on: no dead letter, no message waiting. OPEN_PROPERTY_RUNS (500) cases.
 */
const RUNS = Number(process.env.OPEN_PROPERTY_RUNS ?? 500);

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
const hostileText = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.tuple(fc.string({ maxLength: 6 }), loneSurrogate, fc.string({ maxLength: 6 })).map((p) => p.join('')),
  fc.tuple(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 })).map(([a, b]) => `${a}\u0000${b}`),
  fc.constantFrom('', ' ', '\u{1F600}', 'e\u0301', '__proto__', 'constructor', 'toString', '../../etc/passwd', '%00'),
  fc.integer({ min: 250, max: 300 }).map((n) => 'n'.repeat(n)),
);
/** Mostly what a well-behaved caller sends, now and then something hostile in its place. */
const mostly = <T, H>(valid: fc.Arbitrary<T>, hostile: fc.Arbitrary<H>) =>
  fc.oneof({ arbitrary: valid, weight: 6 }, { arbitrary: hostile, weight: 1 });
/** `value` once in `n` cases, else `otherwise`. */
const rarely = <T, O>(n: number, value: fc.Arbitrary<T>, otherwise: O) =>
  fc.oneof({ arbitrary: value, weight: 1 }, { arbitrary: fc.constant(otherwise), weight: n - 1 });
/** A member that is there half the time. */
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 2 });
const validText = fc.string({ minLength: 1, maxLength: 40 });
const mediaType = mostly(
  fc.constantFrom('text/plain', 'application/pdf', 'image/png', 'application/octet-stream', 'text/csv'),
  hostileText,
);
const json = fc.jsonValue({ maxDepth: 3 });
const metadata = mostly(
  fc.dictionary(validText, json, { maxKeys: 4 }),
  fc.oneof(
    fc.dictionary(hostileText, json, { maxKeys: 3 }),
    fc.dictionary(validText, fc.dictionary(hostileText, hostileText, { maxKeys: 2 }), { maxKeys: 2 }),
    fc.constantFrom([], 'text', { big: 'x'.repeat(5000) }, JSON.parse('{"n": 1e400}')),
  ),
);
const callback = fc.record(
  {
    save_url: mostly(
      fc.constantFrom('https://partner.example/save', 'http://partner.example/s?x=1'),
      fc.constantFrom('ftp://x', 'not a url', 'https://a.example/\u0000'),
    ),
    headers: maybe(
      mostly(fc.dictionary(fc.constantFrom('X-Token', 'X-Tenant'), validText), fc.dictionary(hostileText, hostileText)),
    ),
    retries: maybe(mostly(fc.integer({ min: 0, max: 20 }), fc.constantFrom(-1, 25, 1.5))),
    timeout_ms: maybe(mostly(fc.integer({ min: 100, max: 120_000 }), fc.constantFrom(50, 130_000))),
  },
  { requiredKeys: ['save_url'] },
);
const options = fc
  .record({
    user: maybe(
      mostly(
        fc.record({ id: maybe(mostly(validText, hostileText)), display_name: maybe(mostly(validText, hostileText)) }),
        fc.constant('u-1'),
      ),
    ),
    mode: maybe(mostly(fc.constantFrom('edit', 'view'), fc.constant('scribble'))),
    ttl_seconds: maybe(mostly(fc.integer({ min: 60, max: 21_600 }), fc.constantFrom(-5, 0, 21_601, 60.5))),
    document: maybe(
      fc.record({
        name: maybe(mostly(validText, hostileText)),
        external_id: maybe(mostly(validText, hostileText)),
        content_type: maybe(mediaType),
      }),
    ),
    metadata: maybe(metadata),
    callback: maybe(callback),
    colour: rarely(20, fc.constant('red'), undefined),
  })
  .map(withoutUndefined);
const openCase = fc.record({
  transport: fc.constantFrom('json', 'multipart'),
  options,
  content: mostly(
    fc.uint8Array({ maxLength: 600 }).map((b) => Buffer.from(b)),
    fc.constant(null),
  ),
  brokenBase64: rarely(15, fc.constant(true), false),
  filename: mostly(fc.constantFrom('a.txt', 'report.pdf', 'noext', 'b.docx'), hostileText),
  fileType: mediaType,
  optionsAsText: rarely(15, fc.constantFrom('{not json', '[]', '"text"', '{"mode":"edit"}'), null),
});

/** The object without its undefined members, at every level (JSON.stringify would drop them too). */
function withoutUndefined<T>(value: T): T {
  if (Array.isArray(value) || value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, withoutUndefined(v)]),
  ) as T;
}
type OpenCase = typeof openCase extends fc.Arbitrary<infer T> ? T : never;

function requestOf(c: OpenCase): { json?: unknown; body?: FormData } {
  if (c.transport === 'json') {
    const content = c.content && { content_base64: c.brokenBase64 ? '*not base64*' : c.content.toString('base64') };
    return { json: { ...c.options, ...content } };
  }
  const form = new FormData();
  if (c.content) form.append('file', new Blob([c.content], { type: c.fileType }), c.filename);
  form.append('options', c.optionsAsText ?? JSON.stringify(c.options));
  return { body: form };
}

describe('the open API under generated input', () => {
  it(`${RUNS} cases: a clean 4xx with nothing kept, or a 201 readable at once and billed once`, async () => {
    const tenant = await newTenant();
    const blobsBefore = new Set(await storedBlobKeys());
    const opened: { sessionId: string; documentId: string }[] = [];
    const refused = new Map<number, number>();
    const started = Date.now();

    await fc.assert(
      fc.asyncProperty(openCase, async (c) => {
        const res = await api('POST', '/v1/documents', { key: tenant.api_key, ...requestOf(c) });
        if (res.status === 201) {
          const { session_id: sessionId, document_id: documentId } = res.body;
          opened.push({ sessionId, documentId });
          const read = await api('GET', `/v1/sessions/${sessionId}`, { key: tenant.api_key });
          expect({ status: read.status, id: read.body.session_id }).toEqual({ status: 200, id: sessionId });
          await eventually(
            async () =>
              (await countRows('metering.billable_calls', 'tenant_id = $1 AND event_id = $2', [
                tenant.tenant_id,
                sessionId,
              ])) === 1
                ? true
                : undefined,
            2_000,
            `the open ${sessionId} billed within 2 s`,
            20,
          );
          return;
        }
        refused.set(res.status, (refused.get(res.status) ?? 0) + 1);
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        expect(Object.keys(res.body)).toEqual(['error']);
        const { code, message } = res.body.error;
        expect(typeof message).toBe('string');
        expect(Object.values(ErrorCode)).toContain(code);
        expect(HTTP_STATUS_OF[code as ErrorCode]).toBe(res.status);
      }),
      { numRuns: RUNS, endOnFailure: true },
    );

    await eventQueuesDrained();
    // Billed iff created: one billable call per 201, and nothing for any refusal.
    expect(await countRows('metering.billable_calls', 'tenant_id = $1', [tenant.tenant_id])).toBe(opened.length);
    expect(await countRows('session.documents', 'tenant_id = $1', [tenant.tenant_id])).toBe(opened.length);
    const newBlobs = (await storedBlobKeys()).filter((k) => !blobsBefore.has(k)).sort();
    expect(newBlobs).toEqual(opened.map((o) => o.documentId).sort());
    const letters = await peekDeadLetters();
    expect(letters.filter((l) => JSON.stringify(l.content).includes(tenant.tenant_id))).toEqual([]);
    process.stdout.write(
      `\n${RUNS} generated opens in ${((Date.now() - started) / 1000).toFixed(1)} s: ${opened.length} × 201, ` +
        `${[...refused].map(([s, n]) => `${n} × ${s}`).join(', ')}\n`,
    );

    for (const { documentId } of opened) await api('DELETE', `/v1/documents/${documentId}`, { key: tenant.api_key });
  }, 180_000);
});
