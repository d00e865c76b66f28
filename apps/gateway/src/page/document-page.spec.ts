import type { PageView } from '@docsession/contracts';
import { documentPage, endedPage, unknownPage } from './document-page';

const TOKEN = 'tok_abcdefghijklmnopqrstuvwxyz0123456789ABCD';
const HOSTILE = `"><script>alert('x')</script><img src=x onerror=alert(1)>`;

function view(contentType: string, overrides: Partial<PageView['session']> = {}): PageView {
  return {
    session: {
      sessionId: '7d0b8f5e-2f6e-4a8e-9d1e-3c1b2a4d5e6f',
      documentId: '3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6b',
      status: 'active',
      mode: 'edit',
      user: { id: 'u-1', display_name: HOSTILE },
      isHost: true,
      createdAt: '2026-11-27T03:28:54.123Z',
      openedAt: '2026-11-27T03:28:55.000Z',
      lastSeenAt: '2026-11-27T03:28:55.000Z',
      closedAt: null,
      expiresAt: '2026-11-27T09:28:54.123Z',
      closeReason: null,
      ...overrides,
    },
    document: {
      documentId: '3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6b',
      name: HOSTILE,
      contentType,
      sizeBytes: 2048,
      version: 7,
    },
  };
}

const render = (v: PageView) => documentPage(v, { token: TOKEN, nonce: 'NONCE', heartbeatSeconds: 30 });

describe('documentPage', () => {
  it('escapes the name, the user and the content type wherever they appear', () => {
    const html = render(view(`text/plain; x="${HOSTILE}"`));
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;');
    // One script, one style, both with the nonce; no inline event handlers or style attributes.
    expect(html.match(/<script\b[^>]*>/g)).toEqual(['<script nonce="NONCE">']);
    expect(html.match(/<style\b[^>]*>/g)).toEqual(['<style nonce="NONCE">']);
    // Quoted attribute values can't be broken out of (their quotes are escaped), so look outside them.
    const markup = html.replace(/"[^"]*"/g, '""');
    expect(markup).not.toMatch(/<[a-z][^>]*\son[a-z]+=/i);
    expect(markup).not.toMatch(/<[a-z][^>]*\sstyle=/i);
  });

  it('shows text in an editor with a save button in edit mode, read-only without one in view mode', () => {
    const edit = render(view('text/markdown'));
    expect(edit).toContain('<textarea id="editor"');
    expect(edit).toContain('<button id="save"');
    expect(edit).toContain('Editing');
    expect(edit).toContain('data-mode="edit"');
    expect(edit).toContain('data-heartbeat-ms="30000"');
    expect(edit).toContain(`data-token="${TOKEN}"`);
    expect(edit).toContain('<time id="expires" datetime="2026-11-27T09:28:54.123Z">');
    expect(edit).toContain('version <span id="version">7</span>');
    expect(edit).toContain('<span id="size">2.0 KB</span>');

    const viewOnly = render(view('application/json', { mode: 'view' }));
    expect(viewOnly).toContain('<textarea id="editor"');
    expect(viewOnly).toContain(' readonly ');
    expect(viewOnly).not.toContain('<button id="save"');
    expect(viewOnly).toContain('View only');
    expect(viewOnly).toContain('data-mode="view"');
  });

  it('previews images and PDF from the content URL relative to the page, and offers the rest for download', () => {
    expect(render(view('image/png'))).toContain(`<img id="preview" src="${TOKEN}/content"`);
    expect(render(view('application/pdf'))).toContain(
      `<object id="preview" data="${TOKEN}/content?inline=1" type="application/pdf"`,
    );
    const other = render(view('application/zip'));
    expect(other).toContain('data-kind="other"');
    expect(other).toContain(`href="${TOKEN}/content" download=`);
    for (const type of ['image/png', 'application/pdf', 'application/zip']) {
      expect(render(view(type))).not.toContain('<textarea');
      expect(render(view(type))).not.toContain('<button id="save"');
    }
  });

  it('links nothing outside its own origin', () => {
    for (const type of ['text/plain', 'image/png', 'application/pdf', 'application/zip']) {
      expect(render(view(type))).not.toMatch(/\b(?:src|href|data|action)="(?:[a-z]+:|\/\/)/i);
    }
  });
});

describe('status pages', () => {
  it('say what happened, with the nonce on their style and no script', () => {
    expect(endedPage('N')).toContain('This session has ended');
    expect(unknownPage('N')).toContain('This link does not name a session.');
    for (const html of [endedPage('N'), unknownPage('N')]) {
      expect(html).toContain('<style nonce="N">');
      expect(html).not.toContain('<script');
    }
  });
});
