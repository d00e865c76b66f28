import { chromium, type Browser, type Page } from 'playwright-core';
import { api, eventually, newTenant, openText } from './support/api';
import { blobExists } from './support/blobs';
import { PAGE_TIMES } from './support/environment';
import { sessionOf, sleep, waitUntilEnded } from './support/page';

/** Debian's Chromium (.ci/run installs it); playwright-core never downloads a browser. */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const GRACE_MS = PAGE_TIMES.closeGraceSeconds * 1000;

/** Script errors and console errors (CSP violations show up there) of a tab, but for the favicon it may ask for. */
function watchErrors(tab: Page): string[] {
  const errors: string[] = [];
  tab.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  tab.on('console', (message) => {
    if (message.type() === 'error' && !message.location().url.endsWith('/favicon.ico')) {
      errors.push(`console: ${message.text()}`);
    }
  });
  return errors;
}

const editorText = (tab: Page) => tab.locator('#editor').inputValue();

describe('the session page in headless Chromium', () => {
  let browser: Browser;
  let key: string;

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
    key = (await newTenant()).api_key;
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('shows the document, edits and saves it, survives a reload, and closing the tab ends the session', async () => {
    const original = '# Meeting notes\n\n- agenda\n';
    const { body: s } = await openText(key, original, {
      document: { name: 'notes.md', content_type: 'text/markdown' },
      user: { id: 'u-1', display_name: 'Amelia' },
    });
    const context = await browser.newContext();
    const tab = await context.newPage();
    const errors = watchErrors(tab);

    const response = await tab.goto(s.document_url);
    expect(response?.status()).toBe(200);
    await tab.waitForSelector('#status[data-state="clean"]');
    expect(await editorText(tab)).toBe(original);
    expect(await tab.locator('h1').innerText()).toBe('notes.md');
    expect(await tab.locator('#mode').innerText()).toBe('Editing');
    expect(await tab.locator('#user').innerText()).toBe('Amelia');
    expect(await tab.locator('#expires').innerText()).toMatch(/\(in 5 h 59 min\)|\(in 6 h 0 min\)/);
    // The page's script reported in with its first heartbeat.
    await eventually(
      async () => ((await sessionOf(key, s.session_id)).body.status === 'active' ? true : undefined),
      5_000,
      'the page to report in',
    );

    // Edit, then save with the keyboard.
    await tab.locator('#editor').click();
    await tab.keyboard.press('Control+End');
    await tab.keyboard.type('- decisions\n');
    await tab.waitForSelector('#status[data-state="dirty"]');
    await tab.keyboard.press('Control+s');
    await tab.waitForSelector('#status[data-state="saved"]');
    expect(await tab.locator('#version').innerText()).toBe('2');
    expect(await tab.locator('#size').innerText()).toBe('38 B');
    const edited = `${original}- decisions\n`;
    expect((await api('GET', `/v1/documents/${s.document_id}/content`, { key })).text).toBe(edited);
    await tab.screenshot({ path: '/tmp/docsession-session-page.png' });

    // And with the button.
    await tab.keyboard.type('- next steps\n');
    await tab.locator('#save').click();
    await tab.locator('#version').filter({ hasText: /^3$/ }).waitFor();
    const doc = (await api('GET', `/v1/documents/${s.document_id}`, { key })).body;
    expect(doc.version).toBe(3);

    // A reload sends a close beacon from the old page, but the new one keeps the session.
    await tab.reload();
    await tab.waitForSelector('#status[data-state="clean"]');
    expect(await editorText(tab)).toBe(`${edited}- next steps\n`);
    expect(await tab.locator('#version').innerText()).toBe('3');
    await sleep(GRACE_MS + 1500);
    expect((await sessionOf(key, s.session_id)).body.status).toBe('active');

    // Closing the tab ends it.
    const closedAt = Date.now();
    await tab.close({ runBeforeUnload: true });
    const { session, elapsedMs } = await waitUntilEnded(key, s.session_id, closedAt);
    expect(session).toMatchObject({ status: 'closed', close_reason: 'closed_by_user' });
    expect(elapsedMs).toBeLessThanOrEqual(GRACE_MS + 1000);
    expect((await fetch(`${s.document_url}/content`)).status).toBe(410);
    expect((await api('GET', `/v1/documents/${s.document_id}/content`, { key })).status).toBe(410);
    expect(await blobExists(s.document_id)).toBe(false);

    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows an open page that its session ended, and stops', async () => {
    const { body: s } = await openText(key, 'will end');
    const context = await browser.newContext();
    const tab = await context.newPage();
    const errors = watchErrors(tab);
    await tab.goto(s.document_url);
    await tab.waitForSelector('#status[data-state="clean"]');

    await api('DELETE', `/v1/sessions/${s.session_id}`, { key });
    await tab.waitForSelector('#ended', { state: 'visible', timeout: PAGE_TIMES.heartbeatSeconds * 1000 + 3000 });
    expect(await tab.locator('#status').innerText()).toBe('This session has ended');
    expect(await tab.locator('#editor').getAttribute('readonly')).not.toBeNull();
    expect(await tab.locator('#save').isDisabled()).toBe(true);

    // It stops: no more heartbeats.
    let requests = 0;
    tab.on('request', (req) => {
      if (req.url().endsWith('/heartbeat')) requests++;
    });
    await sleep(PAGE_TIMES.heartbeatSeconds * 1000 * 2 + 200);
    expect(requests).toBe(0);
    expect(errors.filter((e) => !e.includes('410'))).toEqual([]); // the browser logs the 410 answers themselves
    await context.close();
  });

  it('is read-only in view mode, and a reload of a final session shows the 410 page', async () => {
    const { body: s } = await openText(key, 'look, do not touch', { mode: 'view' });
    const context = await browser.newContext();
    const tab = await context.newPage();
    const errors = watchErrors(tab);
    await tab.goto(s.document_url);
    await tab.waitForSelector('#status[data-state="view"]');
    expect(await editorText(tab)).toBe('look, do not touch');
    expect(await tab.locator('#editor').getAttribute('readonly')).not.toBeNull();
    expect(await tab.locator('#save').count()).toBe(0);
    expect(await tab.locator('#mode').innerText()).toBe('View only');
    expect(errors).toEqual([]);

    await api('DELETE', `/v1/sessions/${s.session_id}`, { key });
    const ended = await tab.reload();
    expect(ended?.status()).toBe(410);
    expect(await tab.locator('h1').innerText()).toBe('This session has ended');
    await context.close();
  });
});
