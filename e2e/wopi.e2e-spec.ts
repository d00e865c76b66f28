import { randomUUID } from 'node:crypto';
import { eventually } from '@docsession/local-instance';
import type { IsolatedSystem } from './support/isolated-system';
import { StandInEditor, type WopiAnswer } from './support/wopi-editor';
import { sha256, startWopiSystem, type SystemClient } from './support/wopi-system';
import { PAGE_TIMES } from './support/environment';
import { page } from './support/page';

/*
 * WOPI conformance, written from the protocol documentation (Microsoft's WOPI REST reference:
 * CheckFileInfo, GetFile, PutFile, Lock, UnlockAndRelock, GetLock, RefreshLock, Unlock, proof
 * keys; Collabora's and ONLYOFFICE's additions), against a system whose editor is a stand-in
 * with RSA keys of its own. Every refusal is checked to have saved nothing.
 */

const LOCK_SECONDS = 4;
let editor: StandInEditor;
let sys: IsolatedSystem;
let client: SystemClient;
let key: string;

beforeAll(async () => {
  ({ editor, sys, client } = await startWopiSystem('wopi', { WOPI_LOCK_SECONDS: String(LOCK_SECONDS) }));
  key = await client.tenant();
}, 120_000);

afterAll(async () => {
  await sys?.stop();
  await editor?.close();
});

type Session = Awaited<ReturnType<SystemClient['open']>>;

const docx = (text = 'report body') => Buffer.from(`PK fake docx: ${text}`);
const openDocx = (text?: string, extra: Record<string, unknown> = {}) =>
  client.open(key, docx(text), 'report.docx', { user: { id: 'u-ann', display_name: 'Ann' }, ...extra });

const wopi = (s: Session, init: Parameters<StandInEditor['call']>[2] = {}, proof = {}) =>
  editor.call(client.wopiSrc(s.document_id), s.token, init, proof);
const override = (s: Session, name: string, headers: Record<string, string> = {}) =>
  wopi(s, { method: 'POST', headers: { 'X-WOPI-Override': name, ...headers } });
const putFile = (s: Session, body: string | Buffer, headers: Record<string, string> = {}) =>
  wopi(s, { method: 'POST', path: '/contents', headers: { 'X-WOPI-Override': 'PUT', ...headers }, body });
const lockOf = (a: WopiAnswer) => a.headers.get('x-wopi-lock');

/** Runs `refused` and proves that it saved nothing: same row, same bytes, no audit entry, no delivery, no staged blob. */
async function savesNothing(documentId: string, refused: () => Promise<void>) {
  // The open may not be stored yet (its consumer behind): "before" is the stored document.
  const before = await eventually(async () => {
    const state = await client.saveState(documentId);
    return state.doc ? state : undefined;
  });
  await refused();
  expect(await client.saveState(documentId)).toEqual(before);
  expect(before.staged).toEqual([]);
}

describe('CheckFileInfo', () => {
  it('describes the file and the user with every field the contract names, and no null', async () => {
    const s = await openDocx();
    const info = await wopi(s);
    expect(info.status).toBe(200);
    expect(info.json).toMatchObject({
      BaseFileName: 'report.docx',
      Size: docx().length,
      Version: '1',
      UserId: 'u-ann',
      UserFriendlyName: 'Ann',
      UserCanWrite: true,
      ReadOnly: false,
      SupportsLocks: true,
      SupportsGetLock: true,
      SupportsUpdate: true,
      UserCanNotWriteRelative: true,
      SupportsRename: false,
      UserCanRename: false,
      PostMessageOrigin: new URL(sys.baseUrl).origin,
    });
    expect(typeof info.json.OwnerId).toBe('string');
    expect(new Date(info.json.LastModifiedTime).toISOString()).toBe(info.json.LastModifiedTime);
    expect(Object.entries(info.json).filter(([, v]) => v === null || v === undefined)).toEqual([]);
  });

  it('is read-only for a view-mode session, and names a session without a user by its session id', async () => {
    const s = await client.open(key, docx(), 'plain.docx', { mode: 'view' });
    const info = await wopi(s);
    expect(info.json).toMatchObject({
      UserCanWrite: false,
      ReadOnly: true,
      UserId: s.session_id,
      UserFriendlyName: 'Guest',
    });
  });
});

describe('GetFile', () => {
  it('answers the bytes with X-WOPI-ItemVersion equal to CheckFileInfo Version', async () => {
    const s = await openDocx('the bytes');
    const file = await wopi(s, { path: '/contents' });
    expect(file.status).toBe(200);
    expect(file.text).toBe(docx('the bytes').toString());
    expect(file.headers.get('x-wopi-itemversion')).toBe((await wopi(s)).json.Version);
  });

  it('answers 412 when the file is larger than X-WOPI-MaxExpectedSize', async () => {
    const s = await openDocx();
    const file = await wopi(s, { path: '/contents', headers: { 'X-WOPI-MaxExpectedSize': '3' } });
    expect(file.status).toBe(412);
  });
});

describe('locks', () => {
  it('follows the WOPI lock sequence, every mismatch answered with the lock held', async () => {
    const s = await openDocx();
    const A = `lock-A-${randomUUID()}`;
    const B = `lock-B-${randomUUID()}`;
    const version = async () => (await wopi(s)).json.Version;

    let r = await override(s, 'GET_LOCK');
    expect([r.status, lockOf(r)]).toEqual([200, '']); // unlocked
    r = await override(s, 'LOCK', { 'X-WOPI-Lock': A });
    expect([r.status, r.headers.get('x-wopi-itemversion')]).toEqual([200, '1']);
    r = await override(s, 'LOCK', { 'X-WOPI-Lock': A }); // same lock again
    expect(r.status).toBe(200);
    r = await override(s, 'LOCK', { 'X-WOPI-Lock': B });
    expect([r.status, lockOf(r)]).toEqual([409, A]);
    r = await override(s, 'GET_LOCK');
    expect([r.status, lockOf(r)]).toEqual([200, A]);
    r = await override(s, 'REFRESH_LOCK', { 'X-WOPI-Lock': A });
    expect([r.status, r.headers.get('x-wopi-itemversion')]).toEqual([200, '1']);
    r = await override(s, 'REFRESH_LOCK', { 'X-WOPI-Lock': B });
    expect([r.status, lockOf(r)]).toEqual([409, A]);
    r = await override(s, 'LOCK', { 'X-WOPI-Lock': B, 'X-WOPI-OldLock': B }); // relock naming the wrong old lock
    expect([r.status, lockOf(r)]).toEqual([409, A]);
    r = await override(s, 'LOCK', { 'X-WOPI-Lock': B, 'X-WOPI-OldLock': A }); // UnlockAndRelock
    expect(r.status).toBe(200);
    expect((await client.lockRow(s.document_id))?.lock_id).toBe(B);
    r = await override(s, 'UNLOCK', { 'X-WOPI-Lock': A }); // the old id
    expect([r.status, lockOf(r)]).toEqual([409, B]);
    r = await override(s, 'UNLOCK', { 'X-WOPI-Lock': B });
    expect([r.status, r.headers.get('x-wopi-itemversion')]).toEqual([200, '1']);
    r = await override(s, 'UNLOCK', { 'X-WOPI-Lock': B }); // unlocked already
    expect([r.status, lockOf(r)]).toEqual([409, '']);
    r = await override(s, 'REFRESH_LOCK', { 'X-WOPI-Lock': B });
    expect([r.status, lockOf(r)]).toEqual([409, '']);
    r = await override(s, 'LOCK', { 'X-WOPI-Lock': A, 'X-WOPI-OldLock': B });
    expect([r.status, lockOf(r)]).toEqual([409, '']);
    r = await override(s, 'GET_LOCK');
    expect([r.status, lockOf(r)]).toEqual([200, '']);
    expect(await client.lockRow(s.document_id)).toBeNull();
    expect(await version()).toBe('1'); // locks never change the item version
  });

  it('keeps lock ids of 256 and 1024 characters, and refuses longer or missing ones with 400', async () => {
    for (const length of [256, 1024]) {
      const s = await openDocx();
      const id = String(length).padEnd(length, 'x');
      expect((await override(s, 'LOCK', { 'X-WOPI-Lock': id })).status).toBe(200);
      expect(lockOf(await override(s, 'GET_LOCK'))).toBe(id);
      expect((await override(s, 'UNLOCK', { 'X-WOPI-Lock': id })).status).toBe(200);
    }
    const s = await openDocx();
    expect((await override(s, 'LOCK', { 'X-WOPI-Lock': 'y'.repeat(1025) })).status).toBe(400);
    expect((await override(s, 'LOCK')).status).toBe(400);
    expect((await override(s, 'UNLOCK')).status).toBe(400);
    expect(await client.lockRow(s.document_id)).toBeNull();
  });

  it(`expires after WOPI_LOCK_SECONDS (${LOCK_SECONDS} s here; 30 minutes by default) unless refreshed`, async () => {
    const s = await openDocx();
    expect((await override(s, 'LOCK', { 'X-WOPI-Lock': 'short-lived' })).status).toBe(200);
    await new Promise((r) => setTimeout(r, (LOCK_SECONDS - 1) * 1000));
    expect((await override(s, 'REFRESH_LOCK', { 'X-WOPI-Lock': 'short-lived' })).status).toBe(200);
    await new Promise((r) => setTimeout(r, (LOCK_SECONDS - 1) * 1000));
    expect(lockOf(await override(s, 'GET_LOCK'))).toBe('short-lived'); // refreshed: still held
    await new Promise((r) => setTimeout(r, 2000));
    expect(lockOf(await override(s, 'GET_LOCK'))).toBe('');
    expect((await override(s, 'LOCK', { 'X-WOPI-Lock': 'next' })).status).toBe(200);
  });

  it('refuses locking with a view-mode token (401) and changes nothing', async () => {
    const s = await openDocx();
    const viewer = await client.join(key, s.document_id, { mode: 'view' });
    expect((await override(viewer, 'LOCK', { 'X-WOPI-Lock': 'v' })).status).toBe(401);
    expect(await client.lockRow(s.document_id)).toBeNull();
    expect((await override(viewer, 'GET_LOCK')).status).toBe(200);
  });
});

describe('PutFile', () => {
  it('saves through the save path: a new version, X-WOPI-ItemVersion, LastModifiedTime, audit via "wopi"', async () => {
    const s = await openDocx('v1');
    await override(s, 'LOCK', { 'X-WOPI-Lock': 'L' });
    const put = await putFile(s, 'version two', { 'X-WOPI-Lock': 'L', 'X-WOPI-Editors': 'u-ann, u-bob' });
    expect(put.status).toBe(200);
    expect(put.headers.get('x-wopi-itemversion')).toBe('2');
    const info = (await wopi(s)).json;
    expect(put.json).toEqual({ LastModifiedTime: info.LastModifiedTime });
    expect(info).toMatchObject({ Version: '2', Size: 11 });
    const file = await wopi(s, { path: '/contents' });
    expect([file.text, file.headers.get('x-wopi-itemversion')]).toEqual(['version two', '2']);
    const state = await client.saveState(s.document_id);
    expect(state.doc).toMatchObject({ version: 2, sha256: sha256('version two'), size_bytes: '11' });
    expect(state.blobSha256).toBe(sha256('version two'));
    const [audit] = await sys.query<{ session_id: string; details: any }>(
      `SELECT session_id, details FROM session.audit_events WHERE document_id = $1 AND type = 'document.saved'`,
      [s.document_id],
    );
    expect(audit).toEqual({
      session_id: s.session_id,
      details: {
        version: 2,
        size_bytes: 11,
        sha256: sha256('version two'),
        user: { id: 'u-ann', display_name: 'Ann' },
        via: 'wopi',
        editors: ['u-ann', 'u-bob'],
      },
    });
    expect(state.staged).toEqual([]);
  });

  it('refuses a lock that is not the one held (409 with it), and a non-empty unlocked file (409, empty lock)', async () => {
    const s = await openDocx();
    await savesNothing(s.document_id, async () => {
      const r = await putFile(s, 'no lock at all');
      expect([r.status, lockOf(r)]).toEqual([409, '']);
      const named = await putFile(s, 'names a lock nobody holds', { 'X-WOPI-Lock': 'ghost' });
      expect([named.status, lockOf(named)]).toEqual([409, '']);
    });
    await override(s, 'LOCK', { 'X-WOPI-Lock': 'held' });
    await savesNothing(s.document_id, async () => {
      const r = await putFile(s, 'wrong lock', { 'X-WOPI-Lock': 'other' });
      expect([r.status, lockOf(r)]).toEqual([409, 'held']);
      const none = await putFile(s, 'no lock header');
      expect([none.status, lockOf(none)]).toEqual([409, 'held']);
    });
  });

  it('writes an unlocked empty file (a new document)', async () => {
    const s = await client.open(key, Buffer.alloc(0), 'blank.docx');
    const r = await putFile(s, 'first words');
    expect([r.status, r.headers.get('x-wopi-itemversion')]).toEqual([200, '2']);
  });

  it("answers Collabora's 409 {COOLStatusCode: 1010} to a timestamp older than the last save, and saves nothing", async () => {
    const s = await openDocx();
    await override(s, 'LOCK', { 'X-WOPI-Lock': 'L' });
    const loaded = (await wopi(s)).json.LastModifiedTime as string;
    const first = await putFile(s, 'first', { 'X-WOPI-Lock': 'L', 'X-COOL-WOPI-Timestamp': loaded });
    expect(first.status).toBe(200);
    await savesNothing(s.document_id, async () => {
      const stale = await putFile(s, 'based on the old copy', { 'X-WOPI-Lock': 'L', 'X-COOL-WOPI-Timestamp': loaded });
      expect(stale.status).toBe(409);
      expect(stale.json).toEqual({ COOLStatusCode: 1010 });
      expect((await putFile(s, 'x', { 'X-WOPI-Lock': 'L', 'X-COOL-WOPI-Timestamp': 'yesterday' })).status).toBe(400);
    });
    const next = await putFile(s, 'second', {
      'X-WOPI-Lock': 'L',
      'X-COOL-WOPI-Timestamp': first.json.LastModifiedTime,
      'X-COOL-WOPI-IsExitSave': 'true',
    });
    expect([next.status, next.headers.get('x-wopi-itemversion')]).toEqual([200, '3']);
    const [audit] = await sys.query<{ details: any }>(
      `SELECT details FROM session.audit_events WHERE document_id = $1 AND type = 'document.saved' ORDER BY id DESC LIMIT 1`,
      [s.document_id],
    );
    expect(audit.details).toMatchObject({ version: 3, via: 'wopi', exit_save: true });
  });

  it('refuses a body over MAX_UPLOAD_BYTES (413), declared or streamed, and saves nothing', async () => {
    const s = await openDocx();
    await override(s, 'LOCK', { 'X-WOPI-Lock': 'L' });
    const tooBig = Buffer.alloc(Number(sys.t.env.MAX_UPLOAD_BYTES) + 1, 'a');
    await savesNothing(s.document_id, async () => {
      expect((await putFile(s, tooBig, { 'X-WOPI-Lock': 'L' })).status).toBe(413);
      const url = `${client.wopiSrc(s.document_id)}/contents?access_token=${s.token}`;
      const streamed = await fetch(url, {
        method: 'POST',
        headers: { ...editor.proofHeaders(url, s.token), 'X-WOPI-Override': 'PUT', 'X-WOPI-Lock': 'L' },
        body: new Blob([tooBig]).stream(),
        duplex: 'half',
      } as RequestInit);
      expect(streamed.status).toBe(413);
    });
  });

  it('refuses a view-mode token with 401 and saves nothing', async () => {
    const s = await openDocx();
    const viewer = await client.join(key, s.document_id, { mode: 'view' });
    await savesNothing(s.document_id, async () => {
      expect((await putFile(viewer, 'sneaky')).status).toBe(401);
    });
  });
});

describe('refusals', () => {
  it('answers 501 to PUT_RELATIVE, RENAME_FILE, DELETE, unknown and missing overrides, changing nothing', async () => {
    const s = await openDocx();
    await savesNothing(s.document_id, async () => {
      for (const name of ['PUT_RELATIVE', 'RENAME_FILE', 'DELETE', 'PUT_USER_INFO', 'COBALT']) {
        expect((await override(s, name, { 'X-WOPI-Lock': 'L', 'X-WOPI-RequestedName': 'x' })).status).toBe(501);
      }
      expect((await wopi(s, { method: 'POST' })).status).toBe(501);
      expect((await wopi(s, { method: 'POST', path: '/contents', body: 'no override' })).status).toBe(501);
    });
    expect((await wopi(s)).json.BaseFileName).toBe('report.docx');
  });

  it('answers 401 to a missing, malformed, unknown or other-document token, and 404 to a missing document', async () => {
    const s = await openDocx();
    const other = await openDocx();
    const asToken = (token: string) => ({ ...s, token });
    await savesNothing(s.document_id, async () => {
      for (const token of ['', 'short', 'A'.repeat(43), other.token]) {
        expect((await wopi(asToken(token))).status).toBe(401);
        expect((await putFile(asToken(token), 'x')).status).toBe(401);
        expect((await override(asToken(token), 'LOCK', { 'X-WOPI-Lock': 'L' })).status).toBe(401);
      }
    });
    expect(await client.lockRow(s.document_id)).toBeNull();
    expect((await wopi({ ...s, document_id: randomUUID() })).status).toBe(404);
    expect((await wopi({ ...s, document_id: 'not-a-uuid' })).status).toBe(404);
  });

  it("refuses an ended session's token at once, and the lock goes with the document", async () => {
    const s = await openDocx();
    const other = await client.join(key, s.document_id);
    await override(s, 'LOCK', { 'X-WOPI-Lock': 'L' });
    expect((await client.api('DELETE', `/v1/sessions/${s.session_id}`, key)).status).toBe(200);
    await savesNothing(s.document_id, async () => {
      expect((await wopi(s)).status).toBe(401);
      expect((await putFile(s, 'too late', { 'X-WOPI-Lock': 'L' })).status).toBe(401);
    });
    expect(lockOf(await override(other, 'GET_LOCK'))).toBe('L'); // the document lives on with Bob
    expect((await client.api('DELETE', `/v1/documents/${s.document_id}`, key)).status).toBe(200);
    expect((await wopi(other)).status).toBe(401);
    expect(await client.lockRow(s.document_id)).toBeNull();
  });
});

describe('proof keys', () => {
  it('accepts Proof with the current key, ProofOld with the current key, and Proof with the old key', async () => {
    const s = await openDocx();
    expect((await wopi(s, {}, { proofKey: 'current' })).status).toBe(200);
    expect((await wopi(s, {}, { proofKey: 'stranger', proofOldKey: 'current' })).status).toBe(200);
    expect((await wopi(s, {}, { proofKey: 'old' })).status).toBe(200);
  });

  it('answers 500 to a proof that does not verify, a missing one, ProofOld with the old key, or a stale timestamp, changing nothing', async () => {
    const s = await openDocx();
    await override(s, 'LOCK', { 'X-WOPI-Lock': 'L' });
    const stale = { atMs: Date.now() - 21 * 60_000 };
    await savesNothing(s.document_id, async () => {
      for (const proof of [
        { proofKey: 'stranger' },
        { proofKey: 'none' },
        { proofKey: 'stranger', proofOldKey: 'old' },
        stale,
      ]) {
        expect((await wopi(s, {}, proof)).status).toBe(500);
        const put = await wopi(
          s,
          {
            method: 'POST',
            path: '/contents',
            headers: { 'X-WOPI-Override': 'PUT', 'X-WOPI-Lock': 'L' },
            body: 'forged',
          },
          proof,
        );
        expect(put.status).toBe(500);
        const unlock = await wopi(
          s,
          { method: 'POST', headers: { 'X-WOPI-Override': 'UNLOCK', 'X-WOPI-Lock': 'L' } },
          proof,
        );
        expect(unlock.status).toBe(500);
      }
    });
    expect((await client.lockRow(s.document_id))?.lock_id).toBe('L');
  });

  it('reads discovery again, once, when a proof fails after the editor rotated its keys', async () => {
    const s = await openDocx();
    await new Promise((r) => setTimeout(r, 1100)); // past the refetch interval of the failures above
    editor.rotate();
    const fetches = editor.discoveryFetches;
    expect((await wopi(s, {}, { proofKey: 'current' })).status).toBe(200); // signed with the new key
    expect(editor.discoveryFetches).toBe(fetches + 1);
    expect((await wopi(s, {}, { proofKey: 'current' })).status).toBe(200);
    expect((await wopi(s, {}, { proofKey: 'old' })).status).toBe(200); // the key before the rotation
    expect(editor.discoveryFetches).toBe(fetches + 1);
  });
});

describe('presence', () => {
  it('counts WOPI requests as presence: an editing user is not closed as idle', async () => {
    const s = await openDocx();
    expect((await page.load(s.document_url)).status).toBe(200); // the page reported in: the idle clock runs
    const until = Date.now() + (PAGE_TIMES.idleTimeoutSeconds + 2) * 1000;
    while (Date.now() < until) {
      expect((await wopi(s)).status).toBe(200); // the editor polls; the page sends no heartbeat
      await new Promise((r) => setTimeout(r, 1000));
    }
    expect((await client.api('GET', `/v1/sessions/${s.session_id}`, key)).body.status).toBe('active');
    const closed = await eventually(
      async () => {
        const body = (await client.api('GET', `/v1/sessions/${s.session_id}`, key)).body;
        return body.status === 'closed' ? body : undefined;
      },
      (PAGE_TIMES.idleTimeoutSeconds + 5) * 1000,
      'the idle session to close once the editor is gone too',
    );
    expect(closed.close_reason).toBe('idle_timeout');
  });
});

describe('co-editing', () => {
  it('gives Ann (edit) and Bob (view) one WOPISrc, their own UserId, and one lock', async () => {
    const ann = await openDocx('shared');
    const bob = await client.join(key, ann.document_id, { mode: 'view', user: { id: 'u-bob', display_name: 'Bob' } });
    const carol = await client.join(key, ann.document_id, { user: { id: 'u-carol', display_name: 'Carol' } });
    const pages = await Promise.all([ann, bob, carol].map(async (s) => (await fetch(s.document_url)).text()));
    const wopiSrcOf = (html: string) =>
      new URL(/action="([^"]+)"/.exec(html)![1].replace(/&amp;/g, '&')).searchParams.get('WOPISrc');
    expect(pages.map(wopiSrcOf)).toEqual(Array(3).fill(client.wopiSrc(ann.document_id)));

    const infos = await Promise.all([ann, bob, carol].map(async (s) => (await wopi(s)).json));
    expect(infos.map((i) => [i.UserId, i.UserCanWrite])).toEqual([
      ['u-ann', true],
      ['u-bob', false],
      ['u-carol', true],
    ]);
    expect(new Set(infos.map((i) => `${i.BaseFileName} ${i.Version} ${i.OwnerId}`)).size).toBe(1);

    // The editor server holds one lock for everyone editing the document.
    expect((await override(ann, 'LOCK', { 'X-WOPI-Lock': 'editing-session' })).status).toBe(200);
    expect(lockOf(await override(bob, 'GET_LOCK'))).toBe('editing-session');
    expect((await override(carol, 'LOCK', { 'X-WOPI-Lock': 'editing-session' })).status).toBe(200);
    const other = await override(carol, 'LOCK', { 'X-WOPI-Lock': 'a-second-editor' });
    expect([other.status, lockOf(other)]).toEqual([409, 'editing-session']);

    const saved = await putFile(carol, 'edited together', { 'X-WOPI-Lock': 'editing-session' });
    expect(saved.status).toBe(200);
    const seenByBob = await wopi(bob, { path: '/contents' });
    expect([seenByBob.text, seenByBob.headers.get('x-wopi-itemversion')]).toEqual(['edited together', '2']);
    const [audit] = await sys.query<{ session_id: string }>(
      `SELECT session_id FROM session.audit_events WHERE document_id = $1 AND type = 'document.saved'`,
      [ann.document_id],
    );
    expect(audit.session_id).toBe(carol.session_id);
  });
});

describe('an editor that is down', () => {
  it('leaves a gateway ready, with the built-in page, and is retried until it answers', async () => {
    const down = await StandInEditor.start();
    down.up = false;
    const port = sys.t.ports.spare;
    const spec = {
      name: 'gateway-2',
      app: 'gateway' as const,
      port,
      env: { PORT: String(port), EDITOR_DISCOVERY_URL: down.discoveryUrl },
    };
    try {
      sys.system.launch(spec);
      await sys.system.waitReady(spec, 60_000); // /readyz answers 200 although the editor does not
      const s = await openDocx();
      const pageUrl = s.document_url.replace(sys.baseUrl, `http://127.0.0.1:${port}`);
      const builtIn = await (await fetch(pageUrl)).text();
      expect(builtIn).not.toContain('editor-frame');
      expect(builtIn).toContain('cannot be shown in the browser');
      down.up = true;
      await eventually(
        async () => ((await (await fetch(pageUrl)).text()).includes('id="editor-frame"') ? true : undefined),
        10_000,
        'the gateway to read the discovery once the editor is up',
      );
      expect(down.discoveryFetches).toBeGreaterThan(1);
    } finally {
      await sys.system.stopProcess(sys.system.find('gateway-2'));
      await down.close();
    }
  });
});
