import {
  callbackSchema,
  closeReasonSchema,
  ErrorCode,
  HTTP_STATUS_OF,
  sessionModeSchema,
  sessionStatusSchema,
} from '@docsession/contracts';
import type { OperationObject, PathItemObject, ReferenceObject, ResponseObject, SchemaObject } from '@nestjs/swagger';
import { z } from 'zod';
import { planChangeSchema } from '../admin/plans.controller';
import { sessionOptionsSchema } from '../opens/open-options';
import { GATEWAY_ROUTES } from './gateway-routes';
import { generateOpenApi } from './openapi-document';

const PUBLIC_URL = 'https://docs.example.test';
const { document: doc, examples } = generateOpenApi(GATEWAY_ROUTES, PUBLIC_URL);

type Method = 'get' | 'put' | 'post' | 'patch' | 'delete';
const METHODS: Method[] = ['get', 'put', 'post', 'patch', 'delete'];

/** Every route of API.md (/work/shared/API.md), written out, and the project's additions. */
const API_MD_ROUTES: [Method, string][] = [
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
  ['get', '/wopi/files/{document_id}'],
  ['get', '/wopi/files/{document_id}/contents'],
  ['post', '/wopi/files/{document_id}/contents'],
  ['post', '/wopi/files/{document_id}'],
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
  ['get', '/v1/admin/dead-letters'], // added by the project (issue 8: dead letters listed and replayed)
  ['post', '/v1/admin/dead-letters/{dead_letter_id}/replay'],
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
/** What the Session object gained after API.md's first version (session details: host and attendance). */
const SESSION_ADDITIONS = ['is_host', 'last_seen_at'];

function operations(): { route: string; path: string; op: OperationObject }[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    METHODS.flatMap((method) => {
      const op = (item as PathItemObject)[method];
      return op ? [{ route: `${method.toUpperCase()} ${path}`, path, op }] : [];
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

const component = (name: string): SchemaObject => {
  const s = doc.components?.schemas?.[name];
  if (!s || '$ref' in s) throw new Error(`schema ${name} missing`);
  return s;
};
const property = (schema: SchemaObject, name: string): SchemaObject => {
  const p = schema.properties?.[name] as SchemaObject | ReferenceObject | undefined;
  if (!p) throw new Error(`property ${name} missing`);
  return '$ref' in p ? (resolve(p.$ref) as SchemaObject) : p;
};
/** A nullable `$ref` is written `{ nullable, allOf: [ref] }`; a nullable enum lists `null` too. */
const enumOf = (schema: SchemaObject): unknown[] | undefined => schema.enum;

describe('the generated OpenAPI document', () => {
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

  it('documents every route of API.md, each with a unique operationId, a summary and a success', () => {
    for (const [method, path] of API_MD_ROUTES) {
      expect({ route: `${method} ${path}`, documented: doc.paths[path]?.[method] !== undefined }).toEqual({
        route: `${method} ${path}`,
        documented: true,
      });
    }
    const documented = operations();
    for (const { route, op } of documented) {
      expect({
        route,
        summary: typeof op.summary,
        success: Object.keys(op.responses).some((s) => /^2/.test(s)),
      }).toEqual({ route, summary: 'string', success: true });
    }
    const ids = documented.map((d) => d.op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('declares every path parameter of a templated path, and no other', () => {
    for (const { route, path, op } of operations()) {
      const declared = (op.parameters ?? [])
        .map((p) => ('$ref' in p ? resolve(p.$ref) : p) as { name: string; in: string })
        .filter((p) => p.in === 'path')
        .map((p) => p.name);
      const templated = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      expect({ route, params: declared.sort() }).toEqual({ route, params: templated.sort() });
    }
  });

  it('secures the tenant and admin routes as API.md says', () => {
    for (const { route, path, op } of operations()) {
      if (!path.startsWith('/v1/')) continue;
      const expected = path.startsWith('/v1/admin/') ? [{ adminToken: [] }] : [{ apiKey: [] }, { apiKeyHeader: [] }];
      expect({ route, security: op.security }).toEqual({ route, security: expected });
    }
    for (const { route, path, op } of operations()) {
      if (path.startsWith('/s/') || ['/healthz', '/readyz'].includes(path)) {
        expect({ route, security: op.security }).toEqual({ route, security: undefined });
      }
      // API.md "Operations": the gateway's /metrics only with the admin token (Bearer, or a Basic password).
      if (path === '/metrics') {
        expect({ route, security: op.security }).toEqual({ route, security: [{ adminToken: [] }, { adminBasic: [] }] });
      }
    }
  });

  it('has the 14 fields of the Session object, in the order of API.md, then its additions', () => {
    expect(Object.keys(component('Session').properties ?? {})).toEqual([...SESSION_FIELDS, ...SESSION_ADDITIONS]);
    expect(SESSION_FIELDS).toHaveLength(14);
  });

  it('takes its enums from the schemas that define them', () => {
    const session = component('Session');
    expect(enumOf(property(session, 'status'))).toEqual(sessionStatusSchema.options);
    expect(enumOf(property(session, 'mode'))).toEqual(sessionModeSchema.options);
    expect(enumOf(property(session, 'close_reason'))).toEqual([...closeReasonSchema.options, null]);
  });

  it('has every error code of the one map in the Error envelope, in its order', () => {
    const envelope = property(component('Error'), 'error');
    expect(enumOf(property(envelope, 'code'))).toEqual(Object.values(ErrorCode));
    expect(Object.keys(HTTP_STATUS_OF)).toEqual(Object.values(ErrorCode));
  });

  it('answers each error code under the status HTTP_STATUS_OF gives it', () => {
    const codes = Object.keys(HTTP_STATUS_OF) as ErrorCode[];
    let checked = 0;
    for (const { route, op } of operations()) {
      for (const [status, reply] of Object.entries(op.responses) as [string, ResponseObject][]) {
        const named = codes.filter((code) => reply.description.includes(`\`${code}\``));
        for (const code of named)
          expect({ route, code, status: Number(status) }).toEqual({ route, code, status: HTTP_STATUS_OF[code] });
        checked += named.length;
      }
    }
    expect(checked).toBeGreaterThan(50);
  });

  it('documents the rate limits: RateLimit-* on every answer of a limited route, Retry-After with 429', () => {
    const headersOf = (reply: ResponseObject) => Object.keys(reply.headers ?? {});
    let limited = 0;
    for (const { route, path, op } of operations()) {
      const unlimited = path.startsWith('/wopi/') || ['/healthz', '/readyz', '/metrics'].includes(path);
      const replies = Object.entries(op.responses) as [string, ResponseObject][];
      const success = replies.filter(([status]) => /^2/.test(status)).map(([, reply]) => reply);
      const tooMany = op.responses['429'] as ResponseObject | undefined;
      expect({ route, limited: success.every((r) => headersOf(r).includes('RateLimit-Remaining')) }).toEqual({
        route,
        limited: !unlimited,
      });
      if (unlimited) continue;
      limited++;
      expect({ route, headers: headersOf(tooMany!) }).toEqual({
        route,
        headers: expect.arrayContaining(['Retry-After', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset']),
      });
      const body = (tooMany!.content!['application/json'].schema as ReferenceObject).$ref;
      expect({ route, body }).toEqual({
        route,
        body: /^\/(writer|sheet|show|api)\//.test(path)
          ? '#/components/schemas/ZohoError'
          : '#/components/schemas/Error',
      });
    }
    expect(limited).toBeGreaterThan(40);
  });

  it('shows only examples that the schema they sit on accepts', () => {
    expect(examples.length).toBeGreaterThan(15);
    const refused = examples
      .filter(({ schema, value }) => !z.safeParse(schema, value).success)
      .map(({ where, value }) => ({ where, value }));
    expect(refused).toEqual([]);
  });

  it('documents the bounds the validators enforce: at each bound accepted, past it refused', () => {
    const url = { save_url: 'https://partner.example/save' };
    const callback = component('Callback');
    // ttl_seconds has no maximum in its schema: SESSION_TTL_MAX_SECONDS bounds it.
    const bounds: { schema: z.ZodType; base: object; field: string; documented: SchemaObject; max: boolean }[] = [
      { schema: callbackSchema, base: url, field: 'retries', documented: property(callback, 'retries'), max: true },
      {
        schema: callbackSchema,
        base: url,
        field: 'timeout_ms',
        documented: property(callback, 'timeout_ms'),
        max: true,
      },
      {
        schema: planChangeSchema,
        base: {},
        field: 'grace_percent',
        documented: property(component('PlanChange'), 'grace_percent'),
        max: true,
      },
      {
        schema: sessionOptionsSchema,
        base: {},
        field: 'ttl_seconds',
        documented: property(component('SessionOptions'), 'ttl_seconds'),
        max: false,
      },
    ];
    for (const { schema, base, field, documented, max } of bounds) {
      const accepts = (n: number) => schema.safeParse({ ...base, [field]: n }).success;
      const { minimum, maximum, exclusiveMinimum } = documented;
      if (minimum === undefined || (max && maximum === undefined)) throw new Error(`${field}: bounds not documented`);
      const lowest = exclusiveMinimum ? minimum + 1 : minimum;
      expect({ field, lowest: accepts(lowest), below: accepts(lowest - 1) }).toEqual({
        field,
        lowest: true,
        below: false,
      });
      if (max) {
        expect({ field, highest: accepts(maximum!), above: accepts(maximum! + 1) }).toEqual({
          field,
          highest: true,
          above: false,
        });
      }
    }
  });
});
