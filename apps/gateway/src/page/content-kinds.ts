/** How the session page shows a document. */
export type ContentKind = 'text' | 'image' | 'pdf' | 'other';

/** application/* types that are text a person reads and edits (beside text/* and any +json / +xml). */
const TEXT_APPLICATION_TYPES = new Set([
  'application/json',
  'application/ndjson',
  'application/x-ndjson',
  'application/xml',
  'application/csv',
  'application/x-csv',
  'application/markdown',
  'application/x-markdown',
  'application/yaml',
  'application/x-yaml',
  'application/toml',
  'application/javascript',
  'application/x-javascript',
  'application/sql',
  'application/x-sh',
]);

/** Images every current browser shows in an <img>. SVG is fine there: an <img> runs no script. */
const PREVIEW_IMAGE_TYPES = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'image/avif',
  'image/bmp',
  'image/x-icon',
  'image/vnd.microsoft.icon',
  'image/svg+xml',
]);

/** `Text/Markdown; charset=UTF-8` → `text/markdown`. */
export function mediaTypeOf(contentType: string): string {
  return contentType.split(';', 1)[0]!.trim().toLowerCase();
}

/** Text-like documents get the editor: text/*, JSON, XML, CSV, Markdown, YAML and the like. */
export function isTextLike(contentType: string): boolean {
  const type = mediaTypeOf(contentType);
  if (type.startsWith('text/')) return true;
  if (TEXT_APPLICATION_TYPES.has(type)) return true;
  return /^application\/[\w.+-]+\+(?:json|xml)$/.test(type);
}

export function contentKindOf(contentType: string): ContentKind {
  const type = mediaTypeOf(contentType);
  if (isTextLike(type)) return 'text';
  if (PREVIEW_IMAGE_TYPES.has(type)) return 'image';
  if (type === 'application/pdf') return 'pdf';
  return 'other';
}

/**
 * Whether the content may be served `inline` (the page's PDF preview needs it). Never for
 * anything a browser could run as a document on our origin (HTML, SVG, XML…): those stay
 * attachments, whatever the page asks for.
 */
export function isInlineSafe(contentType: string): boolean {
  const type = mediaTypeOf(contentType);
  return type === 'application/pdf' || (PREVIEW_IMAGE_TYPES.has(type) && type !== 'image/svg+xml');
}
