import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { blankDocument } from '../apps/gateway/src/zoho/blank-documents';
import { api, eventually, newTenant } from './support/api';
import { billedCalls, sha256 } from './support/billing';
import { eventQueuesDrained } from './support/bus';
import { countRows, query } from './support/database';
import { long, ZohoSdk, type SdkObject } from './support/zoho-sdk';

// Zoho's official Node SDK, unchanged, pointed at the test gateway: what an application
// written for Zoho Office Integrator does after changing its base URL.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

let dir: string;
let tenant: { tenant_id: string; api_key: string };
let sdk: ZohoSdk;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'zoho-sdk-'));
  tenant = await newTenant();
  sdk = ZohoSdk.start(tenant.api_key);
});
afterAll(async () => {
  await sdk?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A file on disk, as the SDK uploads them (it reads a path). */
function file(name: string, content: Buffer | string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const native = (path: string) => api('GET', path, { key: tenant.api_key });

describe('Writer through the Zoho SDK', () => {
  it('creates from a file: the SDK reads a CreateDocumentResponse, and the native API sees the session it names', async () => {
    const content = Buffer.concat([blankDocument('docx'), Buffer.from(randomUUID())]);
    const created = await sdk.object({
      op: 'create',
      product: 'writer',
      file: file('report.docx', content),
      documentInfo: { documentId: `crm-${randomUUID()}`, documentName: 'Report.docx' },
      userInfo: { userId: 'u-17', displayName: 'Amelia' },
    });
    expect(created.class).toBe('CreateDocumentResponse');
    expect(created.documentId).toMatch(UUID);
    expect(created.sessionId).toMatch(UUID);
    const base = `http://127.0.0.1:${new URL(created.documentUrl).port}`;
    expect(created.sessionDeleteUrl).toBe(`${base}/writer/officeapi/v1/sessions/${created.sessionId}`);
    expect(created.documentDeleteUrl).toBe(`${base}/writer/officeapi/v1/documents/${created.documentId}`);
    expect(created.saveUrl).toBe(`${created.documentUrl}/content`);

    const session = await native(`/v1/sessions/${created.sessionId}`);
    expect(session.body).toMatchObject({
      document_id: created.documentId,
      status: 'inactive',
      mode: 'edit',
      user: { id: 'u-17', display_name: 'Amelia' },
      document_url: created.documentUrl,
    });
    const document = await native(`/v1/documents/${created.documentId}`);
    expect(document.body).toMatchObject({ name: 'Report.docx', content_type: DOCX, sha256: sha256(content) });
    await billedCalls(tenant.tenant_id, 1);
  });

  it('creates a blank .docx when given neither document nor url, generated, not downloaded', async () => {
    const created = await sdk.object({ op: 'create', product: 'writer' });
    expect(created.class).toBe('CreateDocumentResponse');
    const document = await native(`/v1/documents/${created.documentId}`);
    expect(document.body).toMatchObject({ name: 'Untitled.docx', content_type: DOCX });
    const res = await fetch(
      `http://127.0.0.1:${new URL(created.documentUrl).port}/v1/documents/${created.documentId}/content`,
      {
        headers: { authorization: `Bearer ${tenant.api_key}` },
      },
    );
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.equals(blankDocument('docx'))).toBe(true);
    expect(execFileSync('unzip', ['-t', file('blank.docx', bytes)], { encoding: 'utf8' })).toMatch(/No errors/);
  });

  it('reads a session as SessionMeta, ends it with DocumentSessionDeleteSuccessResponse, then reports it invalid', async () => {
    const created = await sdk.object({
      op: 'create',
      product: 'writer',
      userInfo: { userId: 'u-9', displayName: 'Bo' },
    });
    const meta = await sdk.object({ op: 'getSession', product: 'writer', target: created.sessionId });
    expect(meta.class).toBe('SessionMeta');
    expect(meta.status).toBe('inactive');
    expect(meta.userInfo).toEqual({ class: 'SessionUserInfo', userId: 'u-9', displayName: 'Bo' });
    const native = (await api('GET', `/v1/sessions/${created.sessionId}`, { key: tenant.api_key })).body;
    expect(meta.info).toMatchObject({
      class: 'SessionInfo',
      documentId: created.documentId,
      sessionUrl: created.documentUrl,
      sessionDeleteUrl: created.sessionDeleteUrl,
      createdTime: `${native.created_at.slice(0, 19)}Z`,
      expiresOn: `${native.expires_at.slice(0, 19)}Z`,
    });
    expect(long(meta.info.createdTimeMs)).toBe(Date.parse(native.created_at));
    expect(long(meta.info.expiresOnMs)).toBe(Date.parse(native.expires_at));

    const deleted = await sdk.object({ op: 'deleteSession', product: 'writer', target: created.sessionId });
    expect(deleted).toEqual({ class: 'DocumentSessionDeleteSuccessResponse', sessionDeleted: true });
    const ended = await api('GET', `/v1/sessions/${created.sessionId}`, { key: tenant.api_key });
    expect(ended.body).toMatchObject({ status: 'closed', close_reason: 'deleted_by_api' });
    expect((await sdk.object({ op: 'getSession', product: 'writer', target: created.sessionId })).status).toBe(
      'invalid',
    );
    // Idempotent, as DELETE /v1/sessions/{id}.
    expect(
      (await sdk.object({ op: 'deleteSession', product: 'writer', target: created.sessionId })).sessionDeleted,
    ).toBe(true);
  });

  it('reads the document as DocumentMeta and its sessions as AllSessionsResponse, then deletes it', async () => {
    const created = await sdk.object({ op: 'create', product: 'writer', userInfo: { userId: 'u-1' } });
    const info = await sdk.object({ op: 'getDocumentInfo', target: created.documentId });
    expect(info).toMatchObject({
      class: 'DocumentMeta',
      documentId: created.documentId,
      documentName: 'Untitled.docx',
      documentType: 'document',
      collaboratorsCount: 1,
      activeSessionsCount: 1,
    });
    const all = await sdk.object({ op: 'getAllSessions', target: created.documentId });
    expect(all).toMatchObject({ class: 'AllSessionsResponse', documentId: created.documentId, activeSessionsCount: 1 });
    expect(all.sessions.map((s: SdkObject) => [s.class, s.info.sessionDeleteUrl])).toEqual([
      ['SessionMeta', created.sessionDeleteUrl],
    ]);

    const deleted = await sdk.object({ op: 'deleteDocument', product: 'writer', target: created.documentId });
    expect(deleted).toEqual({ class: 'DocumentDeleteSuccessResponse', documentDeleted: true });
    expect((await native(`/v1/documents/${created.documentId}`)).body.status).toBe('purged');
    expect((await native(`/v1/sessions/${created.sessionId}`)).body.close_reason).toBe('document_deleted');
  });

  it('opens a view-mode session for document.edit false, and for a preview (PreviewResponse)', async () => {
    const readOnly = await sdk.object({ op: 'create', product: 'writer', permissions: { 'document.edit': false } });
    expect((await native(`/v1/sessions/${readOnly.sessionId}`)).body.mode).toBe('view');
    const preview = await sdk.object({ op: 'preview', product: 'writer', file: file('p.docx', blankDocument('docx')) });
    expect(preview.class).toBe('PreviewResponse');
    expect(Object.keys(preview).sort()).toEqual(
      ['class', 'documentDeleteUrl', 'documentId', 'previewUrl', 'sessionDeleteUrl', 'sessionId'].sort(),
    );
    expect((await native(`/v1/sessions/${preview.sessionId}`)).body).toMatchObject({
      mode: 'view',
      document_url: preview.previewUrl,
    });
  });
});

describe('create by URL through the Zoho SDK', () => {
  let server: Server;
  let base: string;
  const content = Buffer.concat([blankDocument('docx'), Buffer.from(randomUUID())]);

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/files/quarterly.docx') res.writeHead(200, { 'content-type': DOCX }).end(content);
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  it('imports the document at the url (from a local server, on the gateway whose test-only setting allows it)', async () => {
    const t = await newTenant();
    const own = ZohoSdk.start(t.api_key, { openGateway: true });
    try {
      const created = await own.object({
        op: 'create',
        product: 'writer',
        url: `${base}/files/quarterly.docx`,
        userInfo: { userId: 'u-3', displayName: 'Ida' },
      });
      expect(created.class).toBe('CreateDocumentResponse');
      const document = await api('GET', `/v1/documents/${created.documentId}`, { key: t.api_key });
      expect(document.body).toMatchObject({
        name: 'quarterly.docx',
        content_type: DOCX,
        size_bytes: content.length,
        sha256: sha256(content),
      });
      await billedCalls(t.tenant_id, 1);
    } finally {
      await own.close();
    }
  });

  it('refuses a loopback url under the default URL-import rules: invalid url, nothing stored or billed', async () => {
    const t = await newTenant();
    const own = ZohoSdk.start(t.api_key);
    try {
      const refused = await own.call({ op: 'create', product: 'writer', url: `${base}/files/quarterly.docx` });
      expect(refused.statusCode).toBe(400);
      expect(refused.object).toMatchObject({
        class: 'InvalidConfigurationException',
        code: 1831,
        parameterName: 'url',
      });
      await eventQueuesDrained();
      expect(await countRows('session.documents', 'tenant_id = $1', [t.tenant_id])).toBe(0);
      expect(await countRows('metering.billable_calls', 'tenant_id = $1', [t.tenant_id])).toBe(0);
    } finally {
      await own.close();
    }
  });
});

describe('parameters docsession takes but has no use for', () => {
  it('accepts editor_settings, ui_options, document_defaults and the callback’s save_format and http_method_type; the callback’s own settings are kept', async () => {
    const created = await sdk.object({
      op: 'create',
      product: 'writer',
      editorSettings: { unit: 'in', language: 'en', view: 'pageview' },
      uiOptions: { darkMode: 'show', saveButton: 'hide' },
      documentDefaults: { fontName: 'Arial', fontSize: 12 },
      callbackSettings: {
        saveUrl: 'https://partner.example/save',
        saveFormat: 'pdf',
        httpMethodType: 'put',
        retries: 2,
        timeout: 5000,
        saveUrlHeaders: { 'X-Token': 't-1' },
      },
    });
    expect(created.class).toBe('CreateDocumentResponse');
    const [row] = await eventually(async () => {
      const rows = await query<{ callback: unknown }>(`SELECT callback FROM session.sessions WHERE id = $1`, [
        created.sessionId,
      ]);
      return rows.length ? rows : undefined;
    });
    expect(row.callback).toEqual({
      save_url: 'https://partner.example/save',
      headers: { 'X-Token': 't-1' },
      retries: 2,
      timeout_ms: 5000,
    });
  });

  it('refuses a callback outside the contract’s bounds, naming the key', async () => {
    const t = await newTenant();
    const own = ZohoSdk.start(t.api_key);
    try {
      const refused = await own.call({
        op: 'create',
        product: 'writer',
        callbackSettings: { saveUrl: 'https://partner.example/save', retries: 50 },
      });
      expect(refused.statusCode).toBe(400);
      expect(refused.object).toMatchObject({ code: 1831, parameterName: 'callback_settings', keyName: 'retries' });
      expect(await countRows('metering.billable_calls', 'tenant_id = $1', [t.tenant_id])).toBe(0);
    } finally {
      await own.close();
    }
  });
});

describe('co-editing by document_info.document_id', () => {
  it('opens another session on the live document of the same tenant, and a new document for another tenant', async () => {
    const externalId = `shared-${randomUUID()}`;
    const upload = file('shared.docx', Buffer.concat([blankDocument('docx'), Buffer.from(externalId)]));
    const first = await sdk.object({
      op: 'create',
      product: 'writer',
      file: upload,
      documentInfo: { documentId: externalId },
      userInfo: { userId: 'host', displayName: 'Host' },
    });
    // Right behind the first: its open may not be stored yet (read-your-writes).
    const second = await sdk.object({
      op: 'create',
      product: 'writer',
      file: upload,
      documentInfo: { documentId: externalId },
      userInfo: { userId: 'guest', displayName: 'Guest' },
    });
    expect(second.class).toBe('CreateDocumentResponse');
    expect(second.documentId).toBe(first.documentId);
    expect(second.sessionId).not.toBe(first.sessionId);
    expect((await native(`/v1/documents/${first.documentId}`)).body.external_id).toBe(externalId);
    // A join is shown once the session service stored it, as with POST /v1/documents/{id}/sessions.
    const all = await eventually(async () => {
      const answer = await sdk.object({ op: 'getAllSessions', target: first.documentId });
      return answer.activeSessionsCount === 2 ? answer : undefined;
    });
    expect(all).toMatchObject({ collaboratorsCount: 2, documentId: first.documentId });
    expect(all.sessions.map((s: SdkObject) => s.userInfo.userId).sort()).toEqual(['guest', 'host']);

    const other = await newTenant();
    const theirs = ZohoSdk.start(other.api_key);
    try {
      const separate = await theirs.object({
        op: 'create',
        product: 'writer',
        documentInfo: { documentId: externalId },
      });
      expect(separate.documentId).not.toBe(first.documentId);
    } finally {
      await theirs.close();
    }

    // Once the document is gone, the same id makes a new document.
    await sdk.object({ op: 'deleteDocument', product: 'writer', target: first.documentId });
    const fresh = await sdk.object({ op: 'create', product: 'writer', documentInfo: { documentId: externalId } });
    expect(fresh.documentId).not.toBe(first.documentId);
    await billedCalls(other.tenant_id, 1);
  });
});

describe('Sheet and Show through the Zoho SDK', () => {
  const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  const PPTX = 'application/vnd.openxmlformats-officedocument.presentationml.presentation';

  it('Sheet: create (CreateSheetResponse with gridview_url), preview, session, delete session and spreadsheet', async () => {
    const created = await sdk.object({ op: 'create', product: 'sheet', userInfo: { displayName: 'Cal' } });
    expect(created.class).toBe('CreateSheetResponse');
    expect(created.gridviewUrl).toBe(created.documentUrl);
    expect(created.sessionDeleteUrl).toMatch(new RegExp(`/sheet/officeapi/v1/session/${created.sessionId}$`));
    expect(created.documentDeleteUrl).toMatch(new RegExp(`/sheet/officeapi/v1/spreadsheet/${created.documentId}$`));
    expect((await native(`/v1/documents/${created.documentId}`)).body).toMatchObject({
      name: 'Untitled.xlsx',
      content_type: XLSX,
    });
    const meta = await sdk.object({ op: 'getSession', product: 'sheet', target: created.sessionId });
    expect(meta).toMatchObject({ class: 'SessionMeta', status: 'inactive', userInfo: { displayName: 'Cal' } });
    const preview = await sdk.object({ op: 'preview', product: 'sheet', file: file('s.xlsx', blankDocument('xlsx')) });
    expect(preview.class).toBe('SheetPreviewResponse');
    expect((await native(`/v1/sessions/${preview.sessionId}`)).body.mode).toBe('view');

    expect(await sdk.object({ op: 'deleteSession', product: 'sheet', target: created.sessionId })).toEqual({
      class: 'SessionDeleteSuccessResponse',
      sessionDelete: 'true',
    });
    expect(await sdk.object({ op: 'deleteDocument', product: 'sheet', target: preview.documentId })).toEqual({
      class: 'FileDeleteSuccessResponse',
      docDelete: 'true',
    });
    expect((await native(`/v1/documents/${preview.documentId}`)).body.status).toBe('purged');
  });

  it('Show: create, preview, session, delete session and presentation', async () => {
    const created = await sdk.object({ op: 'create', product: 'show', documentInfo: { documentName: 'Deck' } });
    expect(created.class).toBe('CreateDocumentResponse');
    expect((await native(`/v1/documents/${created.documentId}`)).body).toMatchObject({
      name: 'Deck.pptx',
      content_type: PPTX,
    });
    const meta = await sdk.object({ op: 'getSession', product: 'show', target: created.sessionId });
    expect(meta).toMatchObject({ class: 'SessionMeta', status: 'inactive' });
    const preview = await sdk.object({ op: 'preview', product: 'show', file: file('d.pptx', blankDocument('pptx')) });
    expect(preview.class).toBe('PreviewResponse');
    expect(await sdk.object({ op: 'deleteSession', product: 'show', target: preview.sessionId })).toEqual({
      class: 'SessionDeleteSuccessResponse',
      sessionDelete: 'true',
    });
    expect(await sdk.object({ op: 'deleteDocument', product: 'show', target: created.documentId })).toEqual({
      class: 'FileDeleteSuccessResponse',
      docDelete: 'true',
    });
  });
});

describe('plan details', () => {
  it('counts every open, through the Zoho routes and /v1 alike', async () => {
    const t = await newTenant({ usage_limit: 100 });
    const own = ZohoSdk.start(t.api_key);
    try {
      await own.object({ op: 'create', product: 'writer' });
      await own.object({ op: 'create', product: 'sheet' });
      await own.object({ op: 'preview', product: 'show', file: file('q.pptx', blankDocument('pptx')) });
      const v1 = await api('POST', '/v1/documents', { key: t.api_key, json: { content_base64: 'aGk=' } });
      expect(v1.status).toBe(201);
      await billedCalls(t.tenant_id, 4);
      const plan = await eventually(async () => {
        const p = await own.object({ op: 'getPlanDetails' });
        return long(p.totalUsage) === 4 ? p : undefined;
      });
      expect(plan).toMatchObject({ class: 'PlanDetails', subscriptionInterval: 'monthly' });
      expect(long(plan.usageLimit)).toBe(100);
      expect(long(plan.remainingUsageLimit)).toBe(96);
      const usage = (await api('GET', '/v1/usage', { key: t.api_key })).body;
      expect(plan.planName).toBe(usage.plan.name);
      expect(plan.subscriptionPeriod).toBe(
        `${usage.period.start.slice(0, 10)} - ${usage.period.end_exclusive.slice(0, 10)}`,
      );
    } finally {
      await own.close();
    }
  });
});

describe('errors the SDK recognises (InvalidConfigurationException), with nothing stored or billed', () => {
  it('a bad apikey', async () => {
    const stranger = ZohoSdk.start(`not-a-key-${randomUUID()}`);
    try {
      const answers = await Promise.all([
        stranger.call({ op: 'create', product: 'writer' }),
        stranger.call({ op: 'create', product: 'sheet' }),
        stranger.call({ op: 'create', product: 'show' }),
        stranger.call({ op: 'getPlanDetails' }),
      ]);
      expect(answers.map((a) => [a.statusCode, a.object?.class, a.object?.code])).toEqual([
        [400, 'InvalidConfigurationException', 1846],
        [400, 'InvalidConfigurationException', 2890],
        [400, 'InvalidConfigurationException', 3890],
        [400, 'InvalidConfigurationException', 1846],
      ]);
      expect(answers[0].object).toMatchObject({ message: 'Invalid API Key.', parameterName: 'apikey' });
    } finally {
      await stranger.close();
    }
  });

  it('a session id that names nothing, another tenant’s, or is no id at all', async () => {
    const other = await newTenant();
    const theirs = ZohoSdk.start(other.api_key);
    try {
      const foreign = await theirs.object({ op: 'create', product: 'writer' });
      for (const target of [randomUUID(), foreign.sessionId, 'd26aa7b8029b5rf8d34c7dd0013']) {
        const answers = await Promise.all([
          sdk.call({ op: 'getSession', product: 'writer', target }),
          sdk.call({ op: 'deleteSession', product: 'writer', target }),
        ]);
        for (const a of answers) {
          expect(a.statusCode).toBe(400);
          expect(a.object).toMatchObject({
            class: 'InvalidConfigurationException',
            code: 1833,
            parameterName: 'session_id',
          });
        }
      }
      expect((await api('GET', `/v1/sessions/${foreign.sessionId}`, { key: other.api_key })).body.status).toBe(
        'inactive',
      );
    } finally {
      await theirs.close();
    }
  });

  it('a preview without document or url', async () => {
    const t = await newTenant();
    const own = ZohoSdk.start(t.api_key);
    try {
      const answer = await own.call({ op: 'preview', product: 'writer', documentInfo: { documentName: 'x.docx' } });
      expect(answer.statusCode).toBe(400);
      expect(answer.object).toMatchObject({
        class: 'InvalidConfigurationException',
        code: 1837,
        parameterName: 'document',
      });
      expect(await countRows('session.documents', 'tenant_id = $1', [t.tenant_id])).toBe(0);
      expect(await countRows('metering.billable_calls', 'tenant_id = $1', [t.tenant_id])).toBe(0);
    } finally {
      await own.close();
    }
  });

  it('usage exceeded: the open past the limit is refused with API call limit exceeded', async () => {
    const t = await newTenant({ usage_limit: 1, grace_percent: 0 });
    const own = ZohoSdk.start(t.api_key);
    try {
      expect((await own.object({ op: 'create', product: 'writer' })).class).toBe('CreateDocumentResponse');
      const refused = await own.call({ op: 'create', product: 'writer' });
      expect(refused.statusCode).toBe(400);
      expect(refused.object).toMatchObject({ class: 'InvalidConfigurationException', code: 1845 });
      await billedCalls(t.tenant_id, 1);
      await eventQueuesDrained();
      expect(await countRows('session.documents', 'tenant_id = $1', [t.tenant_id])).toBe(1);
    } finally {
      await own.close();
    }
  });
});
