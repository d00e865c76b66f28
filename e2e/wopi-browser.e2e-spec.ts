import { eventually } from '@docsession/local-instance';
import { chromium, type Browser, type Page } from 'playwright-core';
import { webhookReceiver } from './support/billing';
import { PAGE_TIMES } from './support/environment';
import type { IsolatedSystem } from './support/isolated-system';
import type { StandInEditor } from './support/wopi-editor';
import { startWopiSystem, type SystemClient } from './support/wopi-system';

/*
 * The session page hosting an editor, in Debian's Chromium: the stand-in editor plays Collabora
 * (discovery, the form post, CheckFileInfo, LOCK, GetFile and PutFile with proofs from its
 * server side, then App_LoadingStatus to the host page).
 */

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
];
const GRACE_MS = PAGE_TIMES.closeGraceSeconds * 1000;

let editor: StandInEditor;
let sys: IsolatedSystem;
let client: SystemClient;
let browser: Browser;
let key: string;
const hooks = webhookReceiver();

beforeAll(async () => {
  // The worker delivers save callbacks to a receiver on loopback.
  ({ editor, sys, client } = await startWopiSystem('wopib', { URL_IMPORT_ALLOW_PRIVATE: 'true' }));
  key = await client.tenant();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await (await hooks).close();
  await sys?.stop();
  await editor?.close();
});

function watchErrors(tab: Page): string[] {
  const errors: string[] = [];
  tab.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  tab.on('console', (m) => {
    if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) errors.push(`console: ${m.text()}`);
  });
  return errors;
}

const sessionStatus = async (id: string) => (await client.api('GET', `/v1/sessions/${id}`, key)).body;
const docx = Buffer.from('PK the quarterly report');

async function waitEnded(sessionId: string, since: number) {
  const session = await eventually(
    async () => {
      const s = await sessionStatus(sessionId);
      return s.status === 'closed' || s.status === 'expired' ? s : undefined;
    },
    15_000,
    `session ${sessionId} to end`,
  );
  return { session, elapsedMs: Date.now() - since };
}

describe('the session page hosting an editor', () => {
  it('opens the document in the editor, which saves through WOPI; closing the tab ends it all', async () => {
    const receiver = await hooks;
    const s = await client.open(key, docx, 'report.docx', {
      user: { id: 'u-ann', display_name: 'Ann' },
      callback: { save_url: receiver.url },
    });
    const context = await browser.newContext();
    const tab = await context.newPage();
    const errors = watchErrors(tab);
    const response = await tab.goto(s.document_url);
    expect(response?.status()).toBe(200);
    const csp = response!.headers()['content-security-policy'];
    expect(csp).toContain(`frame-src ${editor.origin}`);
    expect(csp).toContain(`form-action ${editor.origin}`);
    expect(csp).toContain("frame-ancestors 'none'");

    await tab.waitForSelector('#status[data-state="editor-loaded"]');
    expect(await tab.locator('#mode').innerText()).toBe('Editing');
    const frame = tab.frameLocator('#editor-frame');
    expect(await frame.locator('#editor-title').innerText()).toBe('report.docx');
    await frame.locator('body[data-host-ready="true"]').waitFor(); // the page answered Host_PostmessageReady

    const visit = editor.visits.find((v) => v.accessToken === s.token)!;
    expect(visit.wopiSrc).toBe(client.wopiSrc(s.document_id));
    expect(Number(visit.accessTokenTtl)).toBe(Date.parse(s.expires_at));
    expect(visit.statuses).toEqual({ checkFileInfo: 200, lock: 200, getFile: 200, putFile: 200 });
    expect(visit.contentBefore).toBe(docx.toString());
    expect(visit.savedVersion).toBe('2');
    const doc = (await client.api('GET', `/v1/documents/${s.document_id}`, key)).body;
    expect(doc.version).toBe(2);
    const content = await client.api('GET', `/v1/documents/${s.document_id}/content`, key);
    expect(content.text).toBe(docx.toString() + editor.edit);

    // The save went through the save path: its callback is delivered.
    const delivered = await eventually(
      async () => {
        const events = (await client.api('GET', `/v1/documents/${s.document_id}/events`, key)).body.events;
        return events.find((e: { type: string }) => e.type === 'callback.delivered');
      },
      15_000,
      'the save callback',
    );
    expect(delivered.details).toMatchObject({ version: 2 });
    expect(receiver.received.some((r) => r.body.includes(editor.edit))).toBe(true);

    const closedAt = Date.now();
    await tab.close({ runBeforeUnload: true });
    const { session, elapsedMs } = await waitEnded(s.session_id, closedAt);
    expect(session).toMatchObject({ status: 'closed', close_reason: 'closed_by_user' });
    expect(elapsedMs).toBeLessThanOrEqual(GRACE_MS + 1000);
    expect((await editor.call(client.wopiSrc(s.document_id), s.token)).status).toBe(401);
    expect((await client.api('GET', `/v1/documents/${s.document_id}/content`, key)).status).toBe(410);
    expect(await sys.blobExists(s.document_id)).toBe(false);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('closes the session when the editor posts UI_Close, and ignores messages from any other origin', async () => {
    const s = await client.open(key, docx, 'close-me.docx');
    const context = await browser.newContext();
    const tab = await context.newPage();
    const errors = watchErrors(tab);
    await tab.goto(s.document_url);
    await tab.waitForSelector('#status[data-state="editor-loaded"]');

    // The host page itself is not the editor: its UI_Close is ignored.
    await tab.evaluate(`window.postMessage(JSON.stringify({ MessageId: 'UI_Close', Values: {} }), '*')`);
    await new Promise((r) => setTimeout(r, GRACE_MS + 500));
    expect(await tab.locator('#editor-frame').count()).toBe(1);
    expect((await sessionStatus(s.session_id)).status).toBe('active');

    const clickedAt = Date.now();
    await tab.frameLocator('#editor-frame').locator('#close').click();
    await tab.waitForSelector('#status[data-state="closed"]');
    expect(await tab.locator('#editor-frame').count()).toBe(0);
    const { session, elapsedMs } = await waitEnded(s.session_id, clickedAt);
    expect(session).toMatchObject({ status: 'closed', close_reason: 'closed_by_user' });
    expect(elapsedMs).toBeLessThanOrEqual(GRACE_MS + 1000);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('drops the editor when a heartbeat finds the session ended, and is view only in view mode', async () => {
    const s = await client.open(key, docx, 'ends.docx', { mode: 'view' });
    const context = await browser.newContext();
    const tab = await context.newPage();
    await tab.goto(s.document_url);
    await tab.waitForSelector('#status[data-state="editor-loaded"]');
    expect(await tab.locator('#mode').innerText()).toBe('View only');
    const visit = editor.visits.find((v) => v.accessToken === s.token)!;
    expect(visit.fileInfo).toMatchObject({ UserCanWrite: false, ReadOnly: true });
    expect(visit.statuses).toEqual({ checkFileInfo: 200, lock: 401, getFile: 200 }); // nothing to save, no lock

    expect((await client.api('DELETE', `/v1/sessions/${s.session_id}`, key)).status).toBe(200);
    await tab.waitForSelector('#ended', { state: 'visible', timeout: PAGE_TIMES.heartbeatSeconds * 1000 + 3000 });
    expect(await tab.locator('#editor-frame').count()).toBe(0);
    expect(await tab.locator('#status').getAttribute('data-state')).toBe('ended');
    await context.close();
  });

  it('keeps the built-in page for documents the editor does not handle, with the badge only where it edits', async () => {
    const text = await client.open(key, 'plain notes', 'notes.md', {
      document: { name: 'notes.md', content_type: 'text/markdown' },
    });
    const other = await client.open(key, Buffer.from([1, 2, 3]), 'data.bin', {
      document: { name: 'data.bin', content_type: 'application/octet-stream' },
    });
    const context = await browser.newContext();
    const tab = await context.newPage();
    await tab.goto(text.document_url);
    await tab.waitForSelector('#status[data-state="clean"]');
    expect(await tab.locator('#editor-frame').count()).toBe(0);
    expect(await tab.locator('#mode').innerText()).toBe('Editing');
    await tab.goto(other.document_url);
    expect(await tab.locator('#mode').innerText()).toBe('View only'); // edit mode, but nothing here can edit it
    await context.close();
  });
});
