import type { OperationObject, PathItemObject, SchemaObject } from '@nestjs/swagger';
import { openApiDocument } from './openapi';

const PUBLIC_URL = 'https://docs.example.test';
const doc = openApiDocument(PUBLIC_URL);

type Method = 'get' | 'put' | 'post' | 'patch' | 'delete';

/** Every route of API.md (/work/shared/API.md), written out, and the project's additions. */
const EXPECTED_ROUTES: [Method, string][] = [
  ['post', '/v1/documents'],
  ['post', '/v1/documents/{document_id}/sessions'],
  ['get', '/v1/sessions/{session_id}'],
  ['delete', '/v1/sessions/{session_id}'],
  ['get', '/v1/documents/{document_id}'],
  ['get', '/v1/documents/{document_id}/sessions'],
  ['delete', '/v1/documents/{document_id}'],
  ['get', '/v1/documents/{document_id}/content'],
  ['get', '/v1/documents/{document_id}/events'],
  ['get', '/s/{token}'],
  ['get', '/s/{token}/content'],
  ['put', '/s/{token}/content'],
  ['post', '/s/{token}/heartbeat'],
  ['post', '/s/{token}/close'],
  ['get', '/v1/usage'],
  ['get', '/v1/usage/alerts'],
  ['get', '/v1/usage/export'],
  ['post', '/v1/admin/tenants'],
  ['post', '/v1/admin/tenants/{tenant_id}/keys'],
  ['delete', '/v1/admin/keys/{key_id}'],
  ['patch', '/v1/admin/tenants/{tenant_id}/plan'], // added by the project (plans changeable by the operator)
  ['get', '/v1/admin/billing/export'],
  ['post', '/v1/admin/purge'],
  ['get', '/v1/admin/purge-runs'],
  ['get', '/healthz'],
  ['get', '/readyz'],
  ['get', '/metrics'],
];

/** The Session object of API.md, field for field, in its order. */
const SESSION_FIELDS = [
  'session_id',
  'document_id',
  'status',
  'mode',
  'user',
  'document_url',
  'session_url',
  'session_delete_url',
  'document_delete_url',
  'created_at',
  'opened_at',
  'closed_at',
  'expires_at',
  'close_reason',
];

/** The codes of API.md's error table, in its order. */
const ERROR_CODES = [
  'invalid_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'idempotency_key_reused',
  'gone',
  'payload_too_large',
  'unsupported_media_type',
  'url_fetch_failed',
  'usage_exceeded',
  'rate_limited',
  'unavailable',
];

const METHODS: Method[] = ['get', 'put', 'post', 'patch', 'delete'];

function operations(): { route: string; op: OperationObject }[] {
  return Object.entries(doc.paths).flatMap(([path, item]: [string, PathItemObject]) =>
    METHODS.flatMap((method) => {
      const op = item[method];
      return op ? [{ route: `${method.toUpperCase()} ${path}`, op }] : [];
    }),
  );
}

/** Every `$ref` anywhere in a JSON value. */
function refsIn(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(refsIn);
  if (typeof node !== 'object' || node === null) return [];
  return Object.entries(node).flatMap(([key, value]) =>
    key === '$ref' && typeof value === 'string' ? [value] : refsIn(value),
  );
}

/** What a local `#/…` pointer names in the document, or undefined. */
function resolve(pointer: string): unknown {
  if (!pointer.startsWith('#/')) return undefined;
  return pointer
    .slice(2)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>(
      (node, part) => (typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[part] : undefined),
      doc,
    );
}

const schema = (name: string): SchemaObject => {
  const s = doc.components?.schemas?.[name];
  if (!s || '$ref' in s) throw new Error(`schema ${name} missing`);
  return s;
};

describe('openApiDocument', () => {
  it('is an OpenAPI 3.0.3 document served for the public URL', () => {
    expect(doc.openapi).toBe('3.0.3');
    expect(doc.info).toMatchObject({ title: 'docsession', version: '1' });
    expect(doc.servers).toEqual([{ url: PUBLIC_URL }]);
  });

  it('has only $refs that resolve to an existing component', () => {
    const refs = [...new Set(refsIn(doc))];
    expect(refs.length).toBeGreaterThan(20);
    const broken = refs.filter((r) => !r.startsWith('#/components/') || resolve(r) === undefined);
    expect(broken).toEqual([]);
  });

  it('documents every route of API.md, and nothing else, each with a unique operationId and a summary', () => {
    const documented = operations();
    const expected = EXPECTED_ROUTES.map(([method, path]) => `${method.toUpperCase()} ${path}`);
    for (const [method, path] of EXPECTED_ROUTES) {
      const op = doc.paths[path]?.[method];
      expect({ route: `${method} ${path}`, operationId: op?.operationId }).toEqual({
        route: `${method} ${path}`,
        operationId: expect.any(String),
      });
      expect(op?.summary).toEqual(expect.any(String));
    }
    expect(documented.map((d) => d.route).sort()).toEqual([...expected].sort());
    const ids = documented.map((d) => d.op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('declares every path parameter of a templated path', () => {
    for (const [path, item] of Object.entries(doc.paths)) {
      const declared = [...(item.parameters ?? []), ...METHODS.flatMap((m) => item[m]?.parameters ?? [])]
        .map((p) => ('$ref' in p ? resolve(p.$ref) : p) as { name: string; in: string })
        .filter((p) => p.in === 'path')
        .map((p) => p.name);
      const templated = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      expect({ path, params: [...new Set(declared)].sort() }).toEqual({ path, params: templated.sort() });
    }
  });

  it('secures the tenant and admin routes, and only them', () => {
    for (const { route, op } of operations()) {
      const path = route.split(' ')[1];
      const expected = path.startsWith('/v1/admin/')
        ? [{ adminToken: [] }]
        : path.startsWith('/v1/')
          ? [{ apiKey: [] }, { apiKeyHeader: [] }]
          : undefined;
      expect({ route, security: op.security }).toEqual({ route, security: expected });
    }
  });

  it('has the 14 fields of the Session object, in the order of API.md', () => {
    expect(Object.keys(schema('Session').properties ?? {})).toEqual(SESSION_FIELDS);
    expect(SESSION_FIELDS).toHaveLength(14);
  });

  it('has the 12 error codes of API.md in the Error envelope', () => {
    const envelope = schema('Error').properties?.error as SchemaObject;
    const code = envelope.properties?.code as SchemaObject;
    expect(code.enum).toEqual(ERROR_CODES);
    expect(ERROR_CODES).toHaveLength(12);
  });
});
