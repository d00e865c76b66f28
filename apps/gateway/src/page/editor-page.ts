import type { PageView } from '@docsession/contracts';
import { pageHeader } from './document-page';
import { escapeHtml, htmlDocument } from './html';
import { EDITOR_SCRIPT } from './editor-script';
import { PAGE_STYLE } from './page-style';
import type { PageOptions } from './document-page';

/** Where the host page sends the editor frame: the action's URL (with WOPISrc) and its origin. */
export interface EditorFrame {
  action: 'edit' | 'view';
  /** The action's urlsrc with WOPISrc and the host's parameters added. */
  url: string;
  origin: string;
}

const EDITOR_STYLE = `
main.editor{padding:0}
main.editor iframe{flex:1;width:100%;border:0;background:#fff}
`;

/**
 * The WOPI host page: the header bar, and an iframe the editor fills after a form POST of the
 * access token (never in a URL the editor could log or leak) and its lifetime (the session's
 * `expires_at`, ms since 1970). Its script sends heartbeats and the close beacon like the
 * built-in page, closes the session when the editor says UI_Close, and drops the iframe when
 * the session ends so that the editor unloads the document.
 */
export function editorPage(view: PageView, frame: EditorFrame, options: PageOptions): string {
  const { document: doc, session } = view;
  const editing = frame.action === 'edit' && session.mode === 'edit';
  const name = escapeHtml(doc.name);
  const token = escapeHtml(options.token);
  const ttl = Date.parse(session.expiresAt);
  const body = `${pageHeader(view, editing)}
<main id="app" class="editor" data-token="${token}" data-heartbeat-ms="${options.heartbeatSeconds * 1000}" data-editor-origin="${escapeHtml(frame.origin)}">
<form id="editor-form" method="post" target="editor-frame" action="${escapeHtml(frame.url)}">
<input type="hidden" name="access_token" value="${token}">
<input type="hidden" name="access_token_ttl" value="${ttl}">
</form>
<iframe id="editor-frame" name="editor-frame" title="Editor: ${name}" allow="clipboard-read; clipboard-write; fullscreen" allowfullscreen></iframe>
</main>
<footer class="bar">
  <span id="status" role="status" aria-live="polite"></span>
  <span class="actions"><a id="download" href="${token}/content" download="${name}">Download</a></span>
</footer>`;
  return htmlDocument({
    title: doc.name,
    nonce: options.nonce,
    style: PAGE_STYLE + EDITOR_STYLE,
    body,
    script: EDITOR_SCRIPT,
  });
}
