import { e2eState } from './state';

export { eventually } from '@docsession/local-instance';

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface RequestOptions {
  key?: string | null;
  json?: unknown;
  body?: NonNullable<RequestInit['body']>;
  headers?: Record<string, string>;
  /** Send to the gateway that may import from loopback addresses. */
  openGateway?: boolean;
}

export function gatewayUrl(open = false): string {
  const { ports } = e2eState();
  return `http://127.0.0.1:${open ? ports.spare : ports.gateway}`;
}

/** One HTTP request to a gateway, with the body parsed when it is JSON. */
export async function api<T = any>(
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  let body = options.body;
  if (options.json !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = JSON.stringify(options.json);
  }
  const url = path.startsWith('http') ? path : `${gatewayUrl(options.openGateway)}${path}`;
  const res = await fetch(url, { method, headers, body });
  const text = await res.text();
  const type = res.headers.get('content-type') ?? '';
  const isJson = type.includes('json') && !type.includes('ndjson'); // NDJSON is many documents, not one
  return { status: res.status, headers: res.headers, body: isJson && text ? JSON.parse(text) : text, text };
}

export async function newTenant(input: Record<string, unknown> = {}) {
  const res = await api('POST', '/v1/admin/tenants', {
    key: e2eState().adminToken,
    json: { name: `tenant-${Math.random().toString(36).slice(2, 8)}`, ...input },
  });
  if (res.status !== 201) throw new Error(`tenant creation failed: ${res.status} ${res.text}`);
  return res.body as { tenant_id: string; api_key: string; webhook_secret: string };
}

/** Opens a session on a small text document through the JSON body. */
export async function openText(key: string, text = 'hello', options: Record<string, unknown> = {}) {
  return api('POST', '/v1/documents', {
    key,
    json: { content_base64: Buffer.from(text).toString('base64'), document: { name: 'note.txt' }, ...options },
  });
}
