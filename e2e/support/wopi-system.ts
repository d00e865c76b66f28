import { readdirSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { IsolatedSystem } from './isolated-system';
import { StandInEditor } from './wopi-editor';

/** A system of its own whose gateway knows the stand-in editor (the shared one has no editor configured). */
export async function startWopiSystem(prefix: string, settings: NodeJS.ProcessEnv = {}) {
  const editor = await StandInEditor.start();
  const sys = await IsolatedSystem.start(prefix, {
    EDITOR_DISCOVERY_URL: editor.discoveryUrl,
    EDITOR_DISCOVERY_RETRY_SECONDS: '1',
    ...settings,
  });
  return { editor, sys, client: new SystemClient(sys) };
}

export const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** The tenant API, the page and the database of an isolated system, for WOPI tests. */
export class SystemClient {
  constructor(readonly sys: IsolatedSystem) {}

  async api(method: string, path: string, key: string | null, json?: unknown) {
    const res = await fetch(`${this.sys.baseUrl}${path}`, {
      method,
      headers: {
        ...(key && { authorization: `Bearer ${key}` }),
        ...(json !== undefined && { 'content-type': 'application/json' }),
      },
      body: json === undefined ? undefined : JSON.stringify(json),
    });
    const text = await res.text();
    return {
      status: res.status,
      headers: res.headers,
      text,
      body: text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text,
    };
  }

  async tenant(): Promise<string> {
    const res = await this.api('POST', '/v1/admin/tenants', this.sys.t.adminToken, { name: `wopi-${Date.now()}` });
    if (res.status !== 201) throw new Error(`tenant: ${res.status} ${res.text}`);
    return res.body.api_key;
  }

  /** Opens a session on a document; `name` decides whether the editor handles it. */
  async open(key: string, content: string | Buffer, name: string, extra: Record<string, unknown> = {}) {
    const res = await this.api('POST', '/v1/documents', key, {
      content_base64: Buffer.from(content).toString('base64'),
      document: { name, content_type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' },
      ...extra,
    });
    if (res.status !== 201) throw new Error(`open: ${res.status} ${res.text}`);
    return session(res.body);
  }

  async join(key: string, documentId: string, extra: Record<string, unknown> = {}) {
    const res = await this.api('POST', `/v1/documents/${documentId}/sessions`, key, extra);
    if (res.status !== 201) throw new Error(`join: ${res.status} ${res.text}`);
    return session(res.body);
  }

  wopiSrc(documentId: string): string {
    return `${this.sys.baseUrl}/wopi/files/${documentId}`;
  }

  /** Everything a save changes: the row, the bytes on disk, the audit trail, deliveries, staged blobs. */
  async saveState(documentId: string) {
    const [doc] = await this.sys.query<{
      version: number;
      sha256: string;
      size_bytes: string;
      modified_at: Date | null;
    }>(`SELECT version, sha256, size_bytes, modified_at FROM session.documents WHERE id = $1`, [documentId]);
    const [{ n: saves }] = await this.sys.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM session.audit_events WHERE document_id = $1 AND type = 'document.saved'`,
      [documentId],
    );
    const [{ n: deliveries }] = await this.sys.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM session.save_deliveries WHERE document_id = $1`,
      [documentId],
    );
    return { doc, saves, deliveries, blobSha256: this.blobSha256(documentId), staged: this.stagedBlobs() };
  }

  async lockRow(documentId: string) {
    const rows = await this.sys.query<{ lock_id: string; expires_at: Date }>(
      `SELECT lock_id, expires_at FROM session.wopi_locks WHERE document_id = $1`,
      [documentId],
    );
    return rows[0] ?? null;
  }

  private blobSha256(documentId: string): string | null {
    try {
      return sha256(readFileSync(join(this.sys.t.dataDir, 'blobs', documentId.slice(0, 2), documentId)));
    } catch {
      return null;
    }
  }

  private stagedBlobs(): string[] {
    try {
      return readdirSync(join(this.sys.t.dataDir, 'blobs', 'sa')).filter((n) => n.includes('save-'));
    } catch {
      return [];
    }
  }
}

function session(body: any) {
  return {
    ...(body as { session_id: string; document_id: string; document_url: string; expires_at: string; mode: string }),
    token: String(body.document_url).split('/').pop()!,
  };
}
