import type { IncomingHttpHeaders } from 'node:http';

/** The media type of the response, without parameters such as charset, lowercased; null when absent. */
export function parseContentType(headers: IncomingHttpHeaders): string | null {
  const value = headers['content-type']?.split(';')[0].trim().toLowerCase();
  return value ? value : null;
}

/** The declared body length, or null when absent or not a plain non-negative integer. */
export function parseContentLength(headers: IncomingHttpHeaders): number | null {
  const value = headers['content-length']?.trim();
  return value && /^\d+$/.test(value) ? Number(value) : null;
}

/** Filename from Content-Disposition (filename* wins over filename), else the last path segment of the URL. */
export function pickFilename(headers: IncomingHttpHeaders, finalUrl: string): string | null {
  const disposition = headers['content-disposition'];
  const declared = disposition ? filenameFromDisposition(disposition) : null;
  if (declared) return declared;
  const segment = new URL(finalUrl).pathname.split('/').pop() ?? '';
  return sanitize(safeDecode(segment));
}

export function filenameFromDisposition(header: string): string | null {
  const params = dispositionParams(header);
  const extended = params.get('filename*');
  const fromExtended = extended !== undefined ? decodeExtValue(extended) : null;
  if (fromExtended !== null) {
    const name = sanitize(fromExtended);
    if (name) return name;
  }
  const plain = params.get('filename');
  return plain !== undefined ? sanitize(plain) : null;
}

/** Parameters of a Content-Disposition value, honouring quoted strings (which may contain ';'). */
function dispositionParams(header: string): Map<string, string> {
  const params = new Map<string, string>();
  const pattern = /;\s*([^\s=;]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)/g;
  for (const match of header.matchAll(pattern)) {
    const raw = match[2].trim();
    const value = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw;
    const key = match[1].toLowerCase();
    if (!params.has(key)) params.set(key, value);
  }
  return params;
}

/** RFC 8187 ext-value: charset'language'percent-encoded-bytes. */
function decodeExtValue(value: string): string | null {
  const match = /^([^']*)'[^']*'(.*)$/.exec(value);
  if (!match) return null;
  const charset = match[1].toLowerCase();
  if (charset === 'utf-8') return safeDecode(match[2]);
  if (charset === 'iso-8859-1')
    return match[2].replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return null;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** A bare file name: the server (or URL) may try to smuggle directories or control characters into it. */
function sanitize(name: string): string | null {
  const base = (name.split(/[\\/]/).pop() ?? '').replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return base && base !== '.' && base !== '..' ? base : null;
}
