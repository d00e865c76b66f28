import type { PageView } from '@docsession/contracts';

const escape = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escape(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;margin:3rem auto;max-width:40rem;padding:0 1rem;color:#222}</style>
</head><body>${body}</body></html>`;
}

/** The document's page in the browser; the content is fetched relative to the page's URL. */
export function documentPage(view: PageView, token: string): string {
  const { document, session } = view;
  return layout(
    document.name,
    `<h1>${escape(document.name)}</h1>
<p>${escape(document.contentType)}, ${document.sizeBytes} bytes, ${session.mode === 'edit' ? 'editable' : 'view only'}.</p>
<p><a href="${escape(token)}/content" download>Download</a></p>`,
  );
}

export function endedPage(): string {
  return layout('Session ended', '<h1>This session has ended</h1><p>Ask for a new link to open the document again.</p>');
}

export function unknownPage(): string {
  return layout('Not found', '<h1>Not found</h1><p>This link does not name a session.</p>');
}
