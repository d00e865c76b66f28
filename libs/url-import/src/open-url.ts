import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { PUBLIC_ONLY, ALLOW_ALL, type AddressPolicy } from './address-policy';
import { limitBody } from './body';
import { Deadline } from './deadline';
import { networkError, tooLargeError, UrlImportError } from './errors';
import { guardedLookup } from './guarded-lookup';
import { parseContentLength, parseContentType, pickFilename } from './headers';
import { validateTarget } from './target';

export interface UrlImportOptions {
  /** Overall deadline for the whole import, including redirects and the body. */
  timeoutMs: number;
  /** A body larger than this fails with 'too_large'. */
  maxBytes: number;
  /** Following more redirects than this fails with 'redirect_limit'. */
  maxRedirects: number;
  /** Test-only: when true, loopback and private targets are allowed. */
  allowPrivateAddresses: boolean;
}

export interface ImportedResponse {
  finalUrl: string;
  /** Media type from Content-Type, parameters stripped, lowercased. */
  contentType: string | null;
  /** From Content-Disposition, else the last path segment of finalUrl (decoded), else null. */
  filename: string | null;
  /** Errors with UrlImportError 'too_large' past maxBytes and 'timeout' past the deadline. */
  body: Readable;
  contentLength: number | null;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** Fetches a user-named URL with SSRF protection; the caller streams `body` to its sink. */
export async function openUrl(url: string, options: UrlImportOptions): Promise<ImportedResponse> {
  return openUrlWithPolicy(url, options, options.allowPrivateAddresses ? ALLOW_ALL : PUBLIC_ONLY);
}

/** openUrl with the address policy as a parameter, so tests can allow a local first hop and vet later hops. */
export async function openUrlWithPolicy(
  rawUrl: string,
  options: UrlImportOptions,
  policy: AddressPolicy,
): Promise<ImportedResponse> {
  let url = validateTarget(rawUrl, policy);
  const seen = new Set([url.href]);
  const deadline = new Deadline(options.timeoutMs);
  try {
    for (let redirects = 0; ; redirects++) {
      const res = await get(url, policy, deadline);
      const location = res.headers.location;
      if (!REDIRECT_STATUSES.has(res.statusCode ?? 0) || !location) return toImported(res, url, options, deadline);
      res.destroy(); // the redirect body is of no use, and agent:false means the socket cannot be reused
      const next = validateTarget(location, policy, url);
      if (seen.has(next.href)) throw new UrlImportError('redirect_loop', 'The URL redirects in a loop.');
      if (redirects >= options.maxRedirects) {
        throw new UrlImportError('redirect_limit', `The URL redirects more than ${options.maxRedirects} times.`);
      }
      seen.add(next.href);
      url = next;
    }
  } catch (err) {
    deadline.clear();
    throw err;
  }
}

/** One GET, resolved once the response headers arrived. */
function get(url: URL, policy: AddressPolicy, deadline: Deadline): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const request = url.protocol === 'https:' ? https.request : http.request;
    const req = request(
      url,
      {
        method: 'GET',
        // Only these headers: no cookies or credentials of ours may reach a server the user picked.
        headers: { 'User-Agent': 'docsession-url-import/1', Accept: '*/*' },
        // A fresh connection per hop, so every hop goes through the guarded lookup (no pooled sockets).
        agent: false,
        lookup: guardedLookup(policy),
      },
      resolve,
    );
    // Stays attached after the response: late socket errors must not become unhandled 'error' events.
    req.on('error', (err) => reject(networkError(err)));
    deadline.onExpiry((err) => req.destroy(err));
    req.end();
  });
}

function toImported(res: IncomingMessage, url: URL, options: UrlImportOptions, deadline: Deadline): ImportedResponse {
  const status = res.statusCode ?? 0;
  if (status < 200 || status > 299) {
    res.destroy();
    throw new UrlImportError('http_status', `The remote server answered with HTTP status ${status}.`);
  }
  const contentLength = parseContentLength(res.headers);
  if (contentLength !== null && contentLength > options.maxBytes) {
    res.destroy();
    throw tooLargeError(options.maxBytes);
  }
  return {
    finalUrl: url.href,
    contentType: parseContentType(res.headers),
    filename: pickFilename(res.headers, url.href),
    body: limitBody(res, options.maxBytes, deadline),
    contentLength,
  };
}
