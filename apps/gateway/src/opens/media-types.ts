/** Common extensions, for uploads that arrive as application/octet-stream or untyped. */
const BY_EXTENSION: Record<string, string> = {
  txt: 'text/plain',
  md: 'text/markdown',
  markdown: 'text/markdown',
  csv: 'text/csv',
  json: 'application/json',
  html: 'text/html',
  htm: 'text/html',
  xml: 'application/xml',
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  svg: 'image/svg+xml',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  odt: 'application/vnd.oasis.opendocument.text',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
  odp: 'application/vnd.oasis.opendocument.presentation',
};

const GENERIC = 'application/octet-stream';

/** The declared type without parameters, lowercased; null when missing or generic. */
function specific(type: string | null | undefined): string | null {
  const bare = type?.split(';')[0].trim().toLowerCase();
  return bare && bare !== GENERIC ? bare : null;
}

/**
 * The document's content type: what the caller declared in the options, else what the
 * upload or URL said, else a guess from the name's extension, else octet-stream.
 */
export function resolveContentType(declared: string | undefined, transport: string | null, name: string): string {
  const extension = /\.([A-Za-z0-9]+)$/.exec(name)?.[1].toLowerCase();
  return specific(declared) ?? specific(transport) ?? (extension ? BY_EXTENSION[extension] : undefined) ?? GENERIC;
}

/** `ALLOWED_CONTENT_TYPES` entries are exact types or `type/*`; an empty list allows all. */
export function isAllowedType(contentType: string, allowed: string[]): boolean {
  if (!allowed.length) return true;
  const [type] = contentType.split('/');
  return allowed.some((a) => a === contentType || a === `${type}/*`);
}
