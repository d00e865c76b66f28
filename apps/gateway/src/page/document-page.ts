import type { PageView } from '@docsession/contracts';
import { contentKindOf, type ContentKind } from './content-kinds';
import { escapeHtml, formatBytes, htmlDocument } from './html';
import { PAGE_SCRIPT } from './page-script';
import { PAGE_STYLE } from './page-style';

export interface PageOptions {
  /** The session token from the URL; it only ever appears in URLs relative to the page. */
  token: string;
  nonce: string;
  heartbeatSeconds: number;
}

/** The document's page: name, mode, version, expiry, and the editor, a preview or a download. */
export function documentPage(view: PageView, options: PageOptions): string {
  const { document: doc, session } = view;
  const kind = contentKindOf(doc.contentType);
  const editable = session.mode === 'edit';
  const name = escapeHtml(doc.name);
  const contentUrl = `${escapeHtml(options.token)}/content`;
  const saving = kind === 'text' && editable;

  const body = `${pageHeader(view, saving)}
<main id="app" data-token="${escapeHtml(options.token)}" data-mode="${editable ? 'edit' : 'view'}" data-kind="${kind}" data-heartbeat-ms="${options.heartbeatSeconds * 1000}">
${viewer(kind, name, contentUrl, editable)}
</main>
<footer class="bar">
  <span id="status" role="status" aria-live="polite"></span>
  <span class="actions">
    ${saving ? '<span class="hint">Ctrl+S / ⌘S to save</span>' : ''}
    <a id="download" href="${contentUrl}" download="${name}">Download</a>
    ${saving ? '<button id="save" type="button" disabled>Save</button>' : ''}
  </span>
</footer>`;

  return htmlDocument({ title: doc.name, nonce: options.nonce, style: PAGE_STYLE, body, script: PAGE_SCRIPT });
}

/**
 * The bar above the document: name, type, size, version, expiry, and a badge that says
 * "Editing" only where this page can edit (the built-in editor, or an editor's edit action).
 */
export function pageHeader(view: PageView, editing: boolean): string {
  const { document: doc, session } = view;
  const user = session.user?.display_name ?? session.user?.id;
  return `<header class="bar">
  <div class="doc">
    <h1 id="doc-name">${escapeHtml(doc.name)}</h1>
    <p class="meta">${escapeHtml(doc.contentType)} · <span id="size">${formatBytes(doc.sizeBytes)}</span> · version <span id="version">${doc.version}</span></p>
  </div>
  <div class="facts">
    <span class="badge ${editing ? 'edit' : 'view'}" id="mode">${editing ? 'Editing' : 'View only'}</span>
    ${user ? `<span class="badge user" id="user">${escapeHtml(user)}</span>` : ''}
    <span>Expires <time id="expires" datetime="${escapeHtml(session.expiresAt)}">${escapeHtml(session.expiresAt)}</time></span>
  </div>
</header>
<div class="banner" id="ended" role="alert" hidden>This session has ended. Ask for a new link to open the document again.</div>`;
}

/** `name` and `contentUrl` arrive escaped. */
function viewer(kind: ContentKind, name: string, contentUrl: string, editable: boolean): string {
  switch (kind) {
    case 'text':
      return `<textarea id="editor" spellcheck="false" aria-label="Content of ${name}" readonly placeholder="Loading…"></textarea>`;
    case 'image':
      return `<figure class="preview"><img id="preview" src="${contentUrl}" alt="${name}"></figure>`;
    case 'pdf':
      return `<div class="preview"><object id="preview" data="${contentUrl}?inline=1" type="application/pdf" aria-label="${name}">
<div class="card"><p>This browser cannot show the PDF here.</p><a class="button" href="${contentUrl}" download="${name}">Download ${name}</a></div>
</object></div>`;
    default:
      return `<div class="card"><h1>${name}</h1><p>This kind of document cannot be shown in the browser${editable ? ' or edited here' : ''}.</p>
<a class="button" href="${contentUrl}" download="${name}">Download</a></div>`;
  }
}

/** A final session: the 410 page. */
export function endedPage(nonce: string): string {
  return statusPage(nonce, 'Session ended', 'This session has ended', 'Ask for a new link to open the document again.');
}

/** An unknown token: the 404 page. */
export function unknownPage(nonce: string): string {
  return statusPage(nonce, 'Not found', 'Not found', 'This link does not name a session.');
}

function statusPage(nonce: string, title: string, heading: string, text: string): string {
  return htmlDocument({
    title,
    nonce,
    style: PAGE_STYLE,
    body: `<main><div class="card"><h1>${escapeHtml(heading)}</h1><p>${escapeHtml(text)}</p></div></main>`,
  });
}
