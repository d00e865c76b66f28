import { guardedLookup, validateTarget, type AddressPolicy } from '@docsession/url-import';
import http from 'node:http';
import https from 'node:https';

export interface WebhookPostOptions {
  timeoutMs: number;
  /** The address policy of URL imports: public addresses only, outside tests. */
  policy: AddressPolicy;
}

/** Why a POST failed; `permanent` failures are not worth retrying (the URL itself is refused). */
export class WebhookPostError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = 'WebhookPostError';
  }
}

/** The reply body is read (to free the socket) but not kept beyond this. */
const MAX_REPLY_BYTES = 64 * 1024;

/**
 * POSTs a body to a tenant-named URL under the same address policy as URL imports:
 * the URL is vetted before anything is sent, and every address the host resolves to at
 * connection time (no pooled sockets, no redirects followed), so a webhook can never be
 * pointed at the servers' own network. Resolves with the HTTP status; throws
 * WebhookPostError when no answer came (refused, unreachable, timed out).
 */
export async function postWebhook(
  url: string,
  body: Buffer,
  headers: Record<string, string>,
  options: WebhookPostOptions,
): Promise<number> {
  let target: URL;
  try {
    target = validateTarget(url, options.policy);
  } catch (err) {
    throw new WebhookPostError((err as Error).message, true);
  }
  return new Promise<number>((resolve, reject) => {
    const request = target.protocol === 'https:' ? https.request : http.request;
    const req = request(
      target,
      {
        method: 'POST',
        headers: { ...headers, 'Content-Length': String(body.length), 'User-Agent': 'docsession-webhook/1' },
        agent: false,
        lookup: guardedLookup(options.policy),
      },
      (res) => {
        let received = 0;
        res.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received > MAX_REPLY_BYTES) res.destroy();
        });
        res.on('close', () => {
          clearTimeout(timer);
          resolve(res.statusCode ?? 0);
        });
      },
    );
    const timer = setTimeout(
      () => req.destroy(new WebhookPostError(`No answer within ${options.timeoutMs} ms.`, false)),
      options.timeoutMs,
    );
    req.on('error', (err) => {
      clearTimeout(timer);
      const blocked = (err as { reason?: string }).reason === 'blocked_address';
      reject(err instanceof WebhookPostError ? err : new WebhookPostError(err.message || String(err), blocked));
    });
    req.end(body);
  });
}
