import { api, eventually, type ApiResponse } from './api';
import { storedBlobKeys } from './blobs';

/** The browser's side of a session, spoken directly: what the page's script sends. */
export const page = {
  /** What a browser does: fetch the page, whose script reports in at once with a heartbeat. */
  load: async (documentUrl: string) => {
    const res = await fetch(documentUrl);
    if (res.status === 200) await fetch(`${documentUrl}/heartbeat`, { method: 'POST' });
    return res;
  },
  /** What a link scanner or a chat preview does: fetch the page, run nothing. */
  fetchOnly: (documentUrl: string, method: 'GET' | 'HEAD' = 'GET') => fetch(documentUrl, { method }),
  heartbeat: (documentUrl: string) => fetch(`${documentUrl}/heartbeat`, { method: 'POST' }),
  /** What navigator.sendBeacon(url) sends: a POST with an empty body. */
  close: (documentUrl: string) => fetch(`${documentUrl}/close`, { method: 'POST' }),
  content: (documentUrl: string, query = '') => fetch(`${documentUrl}/content${query}`),
  save: (documentUrl: string, body: NonNullable<RequestInit['body']>, contentType?: string) =>
    fetch(`${documentUrl}/content`, {
      method: 'PUT',
      body,
      headers: contentType ? { 'content-type': contentType } : {},
    }),
};

/** A response's JSON body, for assertions. */
export const jsonOf = async (res: Response): Promise<any> => res.json();

export async function sessionOf(key: string, sessionId: string): Promise<ApiResponse> {
  return api('GET', `/v1/sessions/${sessionId}`, { key });
}

/** Waits until the session is final; returns it and how long that took from `since`. */
export async function waitUntilEnded(key: string, sessionId: string, since: number, timeoutMs = 15_000) {
  const session = await eventually(
    async () => {
      const res = await sessionOf(key, sessionId);
      return res.body.status === 'closed' || res.body.status === 'expired' ? res.body : undefined;
    },
    timeoutMs,
    `session ${sessionId} to end`,
  );
  return { session, elapsedMs: Date.now() - since };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Staged save blobs (or leftovers of their writes) still stored: a save must never leave one behind. */
export async function stagedBlobs(): Promise<string[]> {
  return (await storedBlobKeys()).filter((key) => key.includes('save-'));
}
