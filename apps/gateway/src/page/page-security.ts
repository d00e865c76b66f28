import { randomBytes } from 'node:crypto';
import { mediaTypeOf } from './content-kinds';

/** A fresh CSP nonce for one response: 128 random bits. */
export function newNonce(): string {
  return randomBytes(16).toString('base64');
}

function frameAncestors(allowed: string[], self: boolean): string {
  const sources = self ? ["'self'", ...allowed.filter((s) => s !== "'self'")] : allowed;
  return `frame-ancestors ${sources.length ? sources.join(' ') : "'none'"}`;
}

/**
 * The session page's policy: only its own nonce'd inline script and style run, it talks only
 * to its own origin (heartbeat, save, content), previews only its own content, and nobody
 * frames it unless FRAME_ANCESTORS names them. A page hosting an editor may also frame the
 * editor's origin and post its form there, and nowhere else.
 */
export function pageCsp(nonce: string, allowedFrameAncestors: string[], editorOrigin?: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    "img-src 'self'",
    "object-src 'self'",
    "connect-src 'self'",
    "base-uri 'none'",
    ...(editorOrigin ? [`frame-src ${editorOrigin}`, `form-action ${editorOrigin}`] : ["form-action 'none'"]),
    frameAncestors(allowedFrameAncestors, false),
  ].join('; ');
}

/** Headers of every session page answer (200, 404, 410). The token is in the URL: no caching, no referrer. */
export function pageHeaders(
  nonce: string,
  allowedFrameAncestors: string[],
  editorOrigin?: string,
): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': pageCsp(nonce, allowedFrameAncestors, editorOrigin),
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
  };
  // X-Frame-Options cannot name origins: only for browsers that predate frame-ancestors when nobody may frame.
  if (!allowedFrameAncestors.length) headers['x-frame-options'] = 'DENY';
  return headers;
}

/**
 * Headers of the document's bytes under the page's URL. Whatever the bytes are, they never run
 * as a page of ours: no sniffing, and a sandbox without scripts — except for PDF, which browsers
 * refuse to show sandboxed, and which runs no script of our origin anyway. Only the page itself
 * (and whoever may frame it) may embed them.
 */
export function contentHeaders(contentType: string, allowedFrameAncestors: string[]): Record<string, string> {
  const pdf = mediaTypeOf(contentType) === 'application/pdf';
  return {
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    'cross-origin-resource-policy': 'same-origin',
    'content-security-policy': [
      "default-src 'none'",
      "img-src 'self'",
      "style-src 'unsafe-inline'",
      frameAncestors(allowedFrameAncestors, true),
      ...(pdf ? [] : ['sandbox']),
    ].join('; '),
  };
}
