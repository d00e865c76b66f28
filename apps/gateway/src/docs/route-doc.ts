import type { ErrorCode } from '@docsession/contracts';
import type { z } from 'zod';

/*
 * How to document a route (the OpenAPI document at /docs-json is generated from these):
 *
 * 1. Give the zod schemas the route validates its input with, and shapes its answer with,
 *    their descriptions and examples where they are defined: `.meta({ description, example })`.
 *    A schema that should appear once under components.schemas gets `.meta({ id: 'Name' })`.
 *    Type the handler's answer from the same schema (`z.infer<typeof schema>`), so the code
 *    cannot answer what the document does not say.
 * 2. Add a `RouteDoc` for it to the `*.docs.ts` file of its area (next to its controller), and
 *    list that file's routes in docs/gateway-routes.ts. The path is written as OpenAPI
 *    templates it (`{document_id}` for Nest's `:documentId`).
 * 3. Errors are named by their code (`errors: ['not_found']`); the status comes from
 *    HTTP_STATUS_OF, and the errors every route of its `auth` may answer are added for you.
 *
 * The route test (e2e/openapi-routes.e2e-spec.ts) fails while a registered route has no
 * `RouteDoc`, or a `RouteDoc` names no registered route; a route that must not be
 * documented goes into UNDOCUMENTED_ROUTES (docs/gateway-routes.ts) with its reason.
 * The unit test (docs/openapi.spec.ts) parses every `example` with the schema it sits on.
 */

export type HttpMethod = 'get' | 'put' | 'post' | 'patch' | 'delete';

/** The groups of the document, in the order the UI shows them. */
export const TAGS = {
  documents: 'Upload, read and delete documents (tenant API).',
  sessions: 'Open, read and end sessions (tenant API).',
  usage: 'Usage, alerts and the billable-call export (tenant API).',
  admin: 'Operator API (ADMIN_TOKEN).',
  browser: 'The session page; its bearer is the token in document_url.',
  editors:
    "The WOPI host, for an editor's server (Collabora Online, ONLYOFFICE Docs); its bearer is the access_token parameter.",
  zoho:
    "Zoho Office Integrator's v1 API (Writer, Sheet, Show, plan): Zoho's parameters and answers, over the same opens, " +
    "billing and sessions as /v1. Errors are Zoho's (400 with the ZohoError schema); past the rate limit, 429 " +
    'with Retry-After and the ZohoError body.',
  probes: 'Health, readiness and metrics; the queue dashboard.',
} as const;
export type Tag = keyof typeof TAGS;

/** A request body or an answer: a schema per media type. */
export type Content = Record<string, z.ZodType>;

export interface RequestBodyDoc {
  required: boolean;
  description?: string;
  content: Content;
}

export interface ReplyDoc {
  description: string;
  /** Omitted: no body (204, 202). */
  content?: Content;
  /** Response headers, by name; an optional member is a header sent only sometimes. */
  headers?: z.ZodObject;
}

export interface RouteDoc {
  method: HttpMethod;
  /** OpenAPI's template of the path: `/v1/documents/{document_id}`. */
  path: string;
  operationId: string;
  tag: Tag;
  /** Who may call it: the credential it takes and the errors that come with it (see AUTH). */
  auth: AuthName;
  summary: string;
  description?: string;
  /** The path's template parameters, by the names the path uses. */
  params?: z.ZodObject;
  query?: z.ZodObject;
  /** Request headers the route reads. */
  headers?: z.ZodObject;
  body?: RequestBodyDoc;
  /** The answers other than the contract's error envelope, by status. */
  replies: Record<number, ReplyDoc>;
  /** Error codes it may answer beyond those of its `auth`. */
  errors?: ErrorCode[];
}

/** The security schemes of the document (components.securitySchemes). */
export const SECURITY_SCHEMES = {
  apiKey: { type: 'http', scheme: 'bearer', description: '`Authorization: Bearer <api_key>`.' },
  apiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: '`X-API-Key: <api_key>`.' },
  zohoApiKey: {
    type: 'apiKey',
    in: 'query',
    name: 'apikey',
    description:
      'A docsession API key in the `apikey` query parameter, as Zoho’s SDKs send it (a create or preview may send it ' +
      'as an `apikey` form field instead, before its `document`).',
  },
  adminToken: {
    type: 'http',
    scheme: 'bearer',
    description: '`Authorization: Bearer <ADMIN_TOKEN>`: the operator token of the ADMIN_TOKEN setting.',
  },
  adminBasic: {
    type: 'http',
    scheme: 'basic',
    description: 'HTTP Basic with the ADMIN_TOKEN as the password (any user name), for a browser or a scraper.',
  },
} as const;
type SchemeName = keyof typeof SECURITY_SCHEMES;

interface Access {
  /** Any one of these schemes will do; none: the route takes no credential in a header. */
  schemes: SchemeName[];
  /** The errors any route of this access may answer. */
  errors: ErrorCode[];
  /** Whose body its errors have: the contract's envelope (default) or Zoho's. */
  errorBody?: 'zoho';
  /** Whether its answers carry the RateLimit-* headers (its requests spend a rate-limit budget). */
  rateLimited: boolean;
}

/** Each kind of caller: how it authenticates, and what that may answer. */
export const AUTH = {
  tenant: {
    schemes: ['apiKey', 'apiKeyHeader'],
    errors: ['unauthorized', 'rate_limited', 'internal', 'unavailable'],
    rateLimited: true,
  },
  admin: {
    schemes: ['adminToken'],
    errors: ['unauthorized', 'rate_limited', 'internal', 'unavailable'],
    rateLimited: true,
  },
  /** The scrape of /metrics: the admin token as Bearer, or as a Basic password; never rate-limited. */
  operator: { schemes: ['adminToken', 'adminBasic'], errors: ['unauthorized'], rateLimited: false },
  /** The queue dashboard: the operator's credential, limited per client address like the operator API. */
  dashboard: { schemes: ['adminToken', 'adminBasic'], errors: ['unauthorized', 'rate_limited'], rateLimited: true },
  /** Zoho's routes: their errors (a bad key too) are Zoho's 400, documented with each route. */
  zoho: { schemes: ['zohoApiKey'], errors: ['rate_limited'], errorBody: 'zoho', rateLimited: true },
  /** The browser: the session token in the path is the credential. */
  sessionToken: { schemes: [], errors: ['not_found', 'rate_limited', 'internal', 'unavailable'], rateLimited: true },
  /** No credential and no rate limit: the probes, and the WOPI routes (their token is a parameter). */
  none: { schemes: [], errors: [], rateLimited: false },
} as const satisfies Record<string, Access>;
export type AuthName = keyof typeof AUTH;

/** A JSON answer. */
export const jsonReply = (description: string, schema: z.ZodType, headers?: z.ZodObject): ReplyDoc => ({
  description,
  content: { 'application/json': schema },
  ...(headers && { headers }),
});

/** A JSON request body. */
export const jsonBody = (schema: z.ZodType, required = true): RequestBodyDoc => ({
  required,
  content: { 'application/json': schema },
});

/** The media type of a Content-Type header value (`text/csv; charset=utf-8` → `text/csv`). */
export const mediaTypeOf = (contentType: string): string => contentType.split(';')[0].trim();
