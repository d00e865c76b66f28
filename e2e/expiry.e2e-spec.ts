import { api, newTenant, openText } from './support/api';
import { blobExists } from './support/blobs';

/** The promise of API.md and DESIGN.md: content gone within 1 s of `expires_at`. */
const WITHIN_MS = 1_000;
const POLL_MS = 20;

interface Observation {
  expiresAt: number;
  /** When each condition was first seen to hold, in ms since the epoch. */
  fileGone?: number;
  contentGone?: number;
  statusExpired?: number;
}

/** Polls one session finely from before its expiry until all three conditions hold. */
async function watchExpiry(
  key: string,
  sessionId: string,
  documentId: string,
  expiresAt: number,
): Promise<Observation> {
  const seen: Observation = { expiresAt };
  const giveUp = expiresAt + 10_000;
  while (Date.now() < giveUp && !(seen.fileGone && seen.contentGone && seen.statusExpired)) {
    const [content, session] = await Promise.all([
      seen.contentGone ? null : api('GET', `/v1/documents/${documentId}/content`, { key }),
      seen.statusExpired ? null : api('GET', `/v1/sessions/${sessionId}`, { key }),
    ]);
    const now = Date.now();
    if (!seen.fileGone && !(await blobExists(documentId))) seen.fileGone = now;
    if (content?.status === 410) seen.contentGone = now;
    if (session?.body.status === 'expired') seen.statusExpired = now;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  return seen;
}

describe('session expiry', () => {
  it('expires a session and removes its content within 1 s of expires_at', async () => {
    const tenant = await newTenant();
    const opened = await Promise.all(
      Array.from({ length: 5 }, (_, i) => openText(tenant.api_key, `expiring ${i}`, { ttl_seconds: 2 })),
    );
    for (const res of opened) expect(res.status).toBe(201);

    // Live until then: the content is served and the file is there.
    const first = opened[0].body;
    expect((await api('GET', `/v1/documents/${first.document_id}/content`, { key: tenant.api_key })).status).toBe(200);
    expect(await blobExists(first.document_id)).toBe(true);

    const observations = await Promise.all(
      opened.map(({ body }) =>
        watchExpiry(tenant.api_key, body.session_id, body.document_id, Date.parse(body.expires_at)),
      ),
    );
    for (const o of observations) {
      for (const at of [o.fileGone, o.contentGone, o.statusExpired]) {
        expect(at).toBeDefined();
        expect(at!).toBeGreaterThanOrEqual(o.expiresAt); // not early either
        expect(at! - o.expiresAt).toBeLessThanOrEqual(WITHIN_MS);
      }
    }
    process.stdout.write(
      `expiry lag (ms after expires_at, file gone): ${observations.map((o) => o.fileGone! - o.expiresAt).join(', ')}\n`,
    );

    const session = await api('GET', `/v1/sessions/${first.session_id}`, { key: tenant.api_key });
    expect(session.body).toMatchObject({ status: 'expired', close_reason: 'expired' });
    const doc = await api('GET', `/v1/documents/${first.document_id}`, { key: tenant.api_key });
    expect(doc.body).toMatchObject({ status: 'purged', active_sessions_count: 0 });
    // Final is final: the page of an expired session is gone.
    expect((await fetch(first.document_url)).status).toBe(410);
  });
});
