import { createHash } from 'node:crypto';
import { api, eventually, newTenant } from './support/api';
import { blobExists } from './support/blobs';
import { query } from './support/database';
import { MAX_UPLOAD_BYTES } from './support/environment';
import { jsonOf, page, sessionOf, stagedBlobs } from './support/page';
import { e2eState } from './support/state';

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** Every document this file opened, to end them all before the next file runs (no idle close later). */
const opened: { key: string; documentId: string }[] = [];

/** Opens a session on `bytes` with the given name and type. */
async function openDoc(key: string, bytes: Buffer | string, name: string, contentType: string, extra: object = {}) {
  const res = await api('POST', '/v1/documents', {
    key,
    json: {
      content_base64: Buffer.from(bytes).toString('base64'),
      document: { name, content_type: contentType },
      ...extra,
    },
  });
  if (res.status !== 201) throw new Error(`open failed: ${res.status} ${res.text}`);
  opened.push({ key, documentId: res.body.document_id });
  return res.body as { session_id: string; document_id: string; document_url: string };
}

afterAll(async () => {
  for (const { key, documentId } of opened) await api('DELETE', `/v1/documents/${documentId}`, { key });
});

function nonceOf(csp: string): string {
  const match = /script-src 'nonce-([A-Za-z0-9+/=]+)'/.exec(csp);
  if (!match) throw new Error(`no script nonce in ${csp}`);
  return match[1];
}

async function savedAudit(documentId: string) {
  return query<{ session_id: string; details: any }>(
    `SELECT session_id, details FROM session.audit_events WHERE document_id = $1 AND type = 'document.saved' ORDER BY id`,
    [documentId],
  );
}

describe('the session page', () => {
  let key: string;
  beforeAll(async () => {
    key = (await newTenant()).api_key;
  });

  it('marks the session active on first load and serves a self-contained page under a strict, per-response CSP', async () => {
    const s = await openDoc(key, '# Plan\n', '<script>alert("x")</script> & co.md', 'text/markdown', {
      user: { id: 'u-1', display_name: '<img src=x onerror=alert(1)>' },
    });
    const first = await page.load(s.document_url);
    expect(first.status).toBe(200);
    const html = await first.text();

    const opened = (await sessionOf(key, s.session_id)).body;
    expect(opened.status).toBe('active');
    expect(opened.opened_at).toMatch(ISO_MS);

    expect(first.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(first.headers.get('cache-control')).toBe('no-store');
    expect(first.headers.get('referrer-policy')).toBe('no-referrer');
    expect(first.headers.get('x-content-type-options')).toBe('nosniff');
    expect(first.headers.get('x-frame-options')).toBe('DENY');
    const csp = first.headers.get('content-security-policy')!;
    const nonce = nonceOf(csp);
    expect(csp).toBe(
      `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; img-src 'self'; object-src 'self'; ` +
        `connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    );
    // Every inline script and style carries this response's nonce; nothing is loaded from anywhere.
    expect(html.match(/<script\b[^>]*>/g)).toEqual([`<script nonce="${nonce}">`]);
    expect(html.match(/<style\b[^>]*>/g)).toEqual([`<style nonce="${nonce}">`]);
    expect(html).not.toMatch(/\b(?:src|href|data|action)="(?:https?:)?\/\//);
    expect(html).not.toMatch(/\sstyle="/);
    // What users wrote is escaped.
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co.md');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    // Name, mode and expiry; an editor with heartbeats and a save button.
    expect(html).toContain('Editing');
    expect(html).toContain(`datetime="${opened.expires_at}"`);
    expect(html).toMatch(/<textarea id="editor"/);
    expect(html).toContain('data-kind="text"');
    expect(html).toContain('data-mode="edit"');
    expect(html).toContain('data-heartbeat-ms="1000"');
    expect(html).toContain('<button id="save"');

    const reload = await page.load(s.document_url);
    expect(reload.status).toBe(200);
    expect(nonceOf(reload.headers.get('content-security-policy')!)).not.toBe(nonce);
    const again = (await sessionOf(key, s.session_id)).body;
    expect(again.opened_at).toBe(opened.opened_at); // a reload is not a new opening
    const openedRows = await query(
      `SELECT 1 FROM session.audit_events WHERE session_id = $1 AND type = 'session.opened'`,
      [s.session_id],
    );
    expect(openedRows).toHaveLength(1);
  });

  it('serves the content with its version, never as a page of ours', async () => {
    const s = await openDoc(key, 'a,b\n1,2\n', 'table.csv', 'text/csv');
    const res = await page.content(s.document_url);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('a,b\n1,2\n');
    expect(res.headers.get('x-document-version')).toBe('1');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-security-policy')).toBe(
      "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'; sandbox",
    );
    expect(res.headers.get('content-disposition')).toMatch(/^attachment;/);
    // Asking for inline does not make HTML-ish content render on our origin.
    const html = await openDoc(key, '<script>alert(1)</script>', 'x.html', 'text/html');
    const inline = await page.content(html.document_url, '?inline=1');
    expect(inline.headers.get('content-disposition')).toMatch(/^attachment;/);
  });

  it('saves in edit mode: version 2, new bytes served, size and hash updated, an audit entry', async () => {
    const s = await openDoc(key, 'first draft', 'draft.txt', 'text/plain', { user: { id: 'u-9' } });
    await page.load(s.document_url);

    const res = await page.save(s.document_url, 'second draft, longer');
    expect(res.status).toBe(200);
    const saved = await jsonOf(res);
    expect(saved).toEqual({ version: 2, saved_at: expect.stringMatching(ISO_MS) });
    expect(res.headers.get('cache-control')).toBe('no-store');

    const content = await page.content(s.document_url);
    expect(await content.text()).toBe('second draft, longer');
    expect(content.headers.get('x-document-version')).toBe('2');
    const viaApi = await api('GET', `/v1/documents/${s.document_id}/content`, { key });
    expect(viaApi.text).toBe('second draft, longer');
    const doc = (await api('GET', `/v1/documents/${s.document_id}`, { key })).body;
    expect(doc).toMatchObject({ version: 2, size_bytes: 20, sha256: sha256('second draft, longer'), status: 'live' });

    const audit = await savedAudit(s.document_id);
    expect(audit).toEqual([
      {
        session_id: s.session_id,
        details: {
          version: 2,
          size_bytes: 20,
          sha256: sha256('second draft, longer'),
          user: { id: 'u-9' },
          via: 'page',
        },
      },
    ]);
    expect(await stagedBlobs()).toEqual([]);
  });

  it('does not bill saves', async () => {
    const fresh = await newTenant();
    const s = await openDoc(fresh.api_key, 'v1', 'bill.txt', 'text/plain');
    for (const text of ['v2', 'v3', 'v4']) expect((await page.save(s.document_url, text)).status).toBe(200);
    await eventually(
      async () => ((await api('GET', '/v1/usage', { key: fresh.api_key })).body.total_usage === 1 ? true : undefined),
      10_000,
      'the open billed',
    );
    await new Promise((r) => setTimeout(r, 500)); // anything billed late would show by now
    expect((await api('GET', '/v1/usage', { key: fresh.api_key })).body.total_usage).toBe(1);
    expect(await query(`SELECT 1 FROM metering.billable_calls WHERE tenant_id = $1`, [fresh.tenant_id])).toHaveLength(
      1,
    );
  });

  it('takes the raw bytes whatever their content type, even JSON that does not parse, or none at all', async () => {
    const s = await openDoc(key, '{"a": 1}', 'data.json', 'application/json');
    const broken = '{"a": 1, "b": ';
    const asJson = await page.save(s.document_url, broken, 'application/json');
    expect(asJson.status).toBe(200);
    expect(await (await page.content(s.document_url)).text()).toBe(broken);

    const bytes = Buffer.from([0, 1, 2, 255, 254]);
    const asBinary = await page.save(s.document_url, bytes, 'image/png');
    expect(asBinary.status).toBe(200);
    expect(Buffer.from(await (await page.content(s.document_url)).arrayBuffer())).toEqual(bytes);

    const empty = await fetch(`${s.document_url}/content`, { method: 'PUT' });
    expect(empty.status).toBe(200);
    expect(await jsonOf(empty)).toMatchObject({ version: 4 });
    expect(await (await page.content(s.document_url)).text()).toBe('');
    // The document keeps its own type.
    expect((await api('GET', `/v1/documents/${s.document_id}`, { key })).body.content_type).toBe('application/json');
    // JSON parsing of the API is untouched.
    const bad = await api('POST', '/v1/documents', {
      key,
      body: '{"content_base64": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_request');
  });

  it('refuses to save in view mode (403), over MAX_UPLOAD_BYTES (413), and after the end (410)', async () => {
    const view = await openDoc(key, 'look only', 'view.txt', 'text/plain', { mode: 'view' });
    const viewPage = await (await page.load(view.document_url)).text();
    expect(viewPage).toContain('View only');
    expect(viewPage).toContain('data-mode="view"');
    expect(viewPage).not.toContain('<button id="save"');
    const forbidden = await page.save(view.document_url, 'changed');
    expect(forbidden.status).toBe(403);
    expect((await jsonOf(forbidden)).error.code).toBe('forbidden');

    const edit = await openDoc(key, 'small', 'edit.txt', 'text/plain');
    const tooLarge = await page.save(edit.document_url, Buffer.alloc(MAX_UPLOAD_BYTES + 1, 'a'));
    expect(tooLarge.status).toBe(413);
    expect((await jsonOf(tooLarge)).error.code).toBe('payload_too_large');
    const exactly = await page.save(edit.document_url, Buffer.alloc(MAX_UPLOAD_BYTES, 'b'));
    expect(exactly.status).toBe(200);

    await api('DELETE', `/v1/sessions/${edit.session_id}`, { key });
    const afterEnd = await page.save(edit.document_url, 'too late');
    expect(afterEnd.status).toBe(410);
    expect((await jsonOf(afterEnd)).error.code).toBe('gone');

    for (const s of [view, edit]) {
      const doc = (await api('GET', `/v1/documents/${s.document_id}`, { key })).body;
      expect(doc.version).toBe(s === view ? 1 : 2);
    }
    expect(await blobExists(edit.document_id)).toBe(false); // no save brought the content back
    expect(await stagedBlobs()).toEqual([]);
  });

  it('answers heartbeats 204, 404 for unknown tokens and 410 once the session ended', async () => {
    const s = await openDoc(key, 'beat', 'beat.txt', 'text/plain');
    await page.load(s.document_url);
    const beat = await page.heartbeat(s.document_url);
    expect(beat.status).toBe(204);
    expect(await beat.text()).toBe('');
    const seen = await query<{ last_seen_at: Date }>(`SELECT last_seen_at FROM session.sessions WHERE id = $1`, [
      s.session_id,
    ]);
    expect(Date.now() - seen[0].last_seen_at.getTime()).toBeLessThan(2_000);

    const base = e2eState().env.PUBLIC_URL!;
    for (const token of ['A'.repeat(43), 'not-a-token']) {
      for (const res of [await page.heartbeat(`${base}/s/${token}`), await page.close(`${base}/s/${token}`)]) {
        expect(res.status).toBe(404);
        expect((await jsonOf(res)).error.code).toBe('not_found');
      }
      expect((await page.save(`${base}/s/${token}`, 'x')).status).toBe(404);
    }

    await api('DELETE', `/v1/sessions/${s.session_id}`, { key });
    for (const res of [
      await page.heartbeat(s.document_url),
      await page.close(s.document_url),
      await page.content(s.document_url),
    ]) {
      expect(res.status).toBe(410);
      expect((await jsonOf(res)).error.code).toBe('gone');
    }
    const ended = await page.load(s.document_url);
    expect(ended.status).toBe(410);
    expect(ended.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(await ended.text()).toContain('This session has ended');
  });

  it('previews images and PDF from its own content URL, and offers anything else for download', async () => {
    const png = await openDoc(key, Buffer.from('89504e470d0a1a0a', 'hex'), 'pic.png', 'image/png');
    const pngPage = await (await page.load(png.document_url)).text();
    const token = png.document_url.split('/').pop()!;
    expect(pngPage).toContain(`<img id="preview" src="${token}/content" alt="pic.png">`);
    expect(pngPage).toContain('data-kind="image"');
    expect(pngPage).not.toContain('<textarea');
    const inlinePng = await page.content(png.document_url, '?inline=1');
    expect(inlinePng.headers.get('content-disposition')).toMatch(/^inline;/);

    const pdf = await openDoc(key, '%PDF-1.4\n%%EOF\n', 'report.pdf', 'application/pdf');
    const pdfPage = await (await page.load(pdf.document_url)).text();
    const pdfToken = pdf.document_url.split('/').pop()!;
    expect(pdfPage).toContain(`<object id="preview" data="${pdfToken}/content?inline=1" type="application/pdf"`);
    const inlinePdf = await page.content(pdf.document_url, '?inline=1');
    expect(inlinePdf.headers.get('content-type')).toContain('application/pdf');
    expect(inlinePdf.headers.get('content-disposition')).toMatch(/^inline;/);
    expect(inlinePdf.headers.get('content-security-policy')).not.toContain('sandbox');

    const zip = await openDoc(key, 'PK\u0003\u0004', 'archive.zip', 'application/zip');
    const zipPage = await (await page.load(zip.document_url)).text();
    const zipToken = zip.document_url.split('/').pop()!;
    expect(zipPage).toContain('data-kind="other"');
    expect(zipPage).toContain(`<a class="button" href="${zipToken}/content" download="archive.zip">Download</a>`);
    expect(zipPage).not.toContain('<textarea');
    expect(zipPage).not.toContain('<button id="save"');

    const svg = await openDoc(key, '<svg xmlns="http://www.w3.org/2000/svg"/>', 'logo.svg', 'image/svg+xml');
    expect(await (await page.load(svg.document_url)).text()).toContain('data-kind="image"');
    const svgInline = await page.content(svg.document_url, '?inline=1');
    expect(svgInline.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(svgInline.headers.get('content-security-policy')).toContain('sandbox');
  });
});
