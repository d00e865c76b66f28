import type {
  HeaderObject,
  OpenAPIObject,
  OperationObject,
  ParameterObject,
  PathsObject,
  ReferenceObject,
  RequestBodyObject,
  ResponseObject,
  ResponsesObject,
  SchemaObject,
  SecurityRequirementObject,
} from '@nestjs/swagger';

/*
 * The OpenAPI document of the gateway, written by hand so that it says exactly what
 * /work/shared/API.md (the HTTP contract, v1) says, served at /docs-json and /docs.
 * Helpers first, then the contract's tables (error codes, enums), components, paths.
 */

type Schema = SchemaObject | ReferenceObject;

// ── Schema helpers ──────────────────────────────────────────────────────────────

const ref = (name: string): ReferenceObject => ({ $ref: `#/components/schemas/${name}` });
const param = (name: string): ReferenceObject => ({ $ref: `#/components/parameters/${name}` });
const header = (name: string): ReferenceObject => ({ $ref: `#/components/headers/${name}` });

const str = (more: SchemaObject = {}): SchemaObject => ({ type: 'string', ...more });
const int = (more: SchemaObject = {}): SchemaObject => ({ type: 'integer', ...more });
const enumOf = (values: readonly (string | number)[], more: SchemaObject = {}): SchemaObject => ({
  type: typeof values[0] === 'number' ? 'integer' : 'string',
  enum: [...values],
  ...more,
});
const arrayOf = (items: Schema, more: SchemaObject = {}): SchemaObject => ({ type: 'array', items, ...more });
const uuid = str({ format: 'uuid' });
const time = str({ format: 'date-time', example: '2026-11-27T03:28:54.123Z' });
const uri = str({ format: 'uri' });
const binary = str({ format: 'binary' });
const always = (value: boolean | string): SchemaObject => ({ type: typeof value, enum: [value] });
const anyJson: SchemaObject = { type: 'object', additionalProperties: true };

/** `null` allowed too: a `$ref` is wrapped (siblings of `$ref` are ignored in 3.0), and an enum lists `null`. */
const nullable = (s: Schema): SchemaObject =>
  '$ref' in s ? { allOf: [s], nullable: true } : { ...s, nullable: true, ...(s.enum && { enum: [...s.enum, null] }) };

/** An object whose properties are all required unless the list says otherwise. */
const obj = (
  properties: Record<string, Schema>,
  required: string[] = Object.keys(properties),
  more: SchemaObject = {},
): SchemaObject => ({ type: 'object', ...(required.length > 0 && { required }), properties, ...more });

// ── Response helpers ────────────────────────────────────────────────────────────

const json = (description: string, schema: Schema, headers?: Record<string, ReferenceObject>): ResponseObject => ({
  description,
  ...(headers && { headers }),
  content: { 'application/json': { schema } },
});
const text = (description: string, mediaTypes: string[], schema: Schema = str()): ResponseObject => ({
  description,
  content: Object.fromEntries(mediaTypes.map((type) => [type, { schema }])),
});
const bytes = (description: string): ResponseObject => text(description, ['*/*'], binary);
const empty = (description: string): ResponseObject => ({ description });
const created = (schema: string, headers: string[]): ResponseObject =>
  json('Created.', ref(schema), Object.fromEntries(headers.map((h) => [h, header(h)])));

// ── The contract's tables ───────────────────────────────────────────────────────

/** API.md's error table, row for row. */
const ERROR_TABLE = [
  {
    status: 400,
    code: 'invalid_request',
    when: 'malformed JSON or multipart, unknown/invalid option, no content, both content and url',
  },
  { status: 401, code: 'unauthorized', when: 'missing, unknown or revoked key' },
  { status: 403, code: 'forbidden', when: 'e.g. saving in a view-only session' },
  {
    status: 404,
    code: 'not_found',
    when: 'unknown id, or an id of another tenant (never 403: existence is not leaked)',
  },
  { status: 409, code: 'idempotency_key_reused', when: 'same Idempotency-Key with a different request body' },
  { status: 410, code: 'gone', when: 'session ended / document content purged' },
  { status: 413, code: 'payload_too_large', when: 'upload or imported URL larger than MAX_UPLOAD_BYTES' },
  { status: 415, code: 'unsupported_media_type', when: 'content type outside ALLOWED_CONTENT_TYPES (when set)' },
  {
    status: 422,
    code: 'url_fetch_failed',
    when: 'URL import refused (private/loopback address, scheme, redirect loop, timeout, non-2xx)',
  },
  {
    status: 429,
    code: 'usage_exceeded',
    when: 'tenant is past its plan limit plus grace; nothing is stored or billed',
  },
  { status: 429, code: 'rate_limited', when: 'per-key request rate exceeded (Retry-After header set)' },
  { status: 503, code: 'unavailable', when: 'a dependency is down; nothing is stored or billed' },
] as const;
type ErrorStatus = (typeof ERROR_TABLE)[number]['status'];

/** The shared error response of each status, in `components.responses`. */
const ERROR_RESPONSE_NAMES: Record<ErrorStatus, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  410: 'Gone',
  413: 'PayloadTooLarge',
  415: 'UnsupportedMediaType',
  422: 'UnprocessableEntity',
  429: 'TooManyRequests',
  503: 'ServiceUnavailable',
};

const errors = (...statuses: ErrorStatus[]): ResponsesObject =>
  Object.fromEntries(statuses.map((s) => [s, { $ref: `#/components/responses/${ERROR_RESPONSE_NAMES[s]}` }]));

const errorResponses = (): Record<string, ResponseObject> =>
  Object.fromEntries(
    (Object.entries(ERROR_RESPONSE_NAMES) as [string, string][]).map(([status, name]) => {
      const rows = ERROR_TABLE.filter((row) => String(row.status) === status);
      const response: ResponseObject = json(rows.map((r) => `\`${r.code}\`: ${r.when}.`).join(' '), ref('Error'));
      return [name, status === '429' ? { ...response, headers: { 'Retry-After': header('Retry-After') } } : response];
    }),
  );

const SESSION_STATUSES = ['inactive', 'active', 'closed', 'expired'] as const;
const MODES = ['edit', 'view'] as const;
const CLOSE_REASONS = ['closed_by_user', 'idle_timeout', 'deleted_by_api', 'document_deleted', 'expired'] as const;
const EVENT_TYPES = [
  'session.created',
  'session.opened',
  'document.saved',
  'session.closed',
  'session.expired',
  'document.purged',
  'callback.delivered',
  'callback.failed',
] as const;

// ── Operations ──────────────────────────────────────────────────────────────────

type Tag = 'documents' | 'sessions' | 'usage' | 'admin' | 'browser' | 'probes';

const TENANT: SecurityRequirementObject[] = [{ apiKey: [] }, { apiKeyHeader: [] }];

/** Who may call the routes of a tag, and the errors any of them may answer. */
const ACCESS: Record<Tag, { security?: SecurityRequirementObject[]; errors: ErrorStatus[] }> = {
  documents: { security: TENANT, errors: [401, 429, 503] },
  sessions: { security: TENANT, errors: [401, 429, 503] },
  usage: { security: TENANT, errors: [401, 429, 503] },
  admin: { security: [{ adminToken: [] }], errors: [401, 503] },
  browser: { errors: [404, 503] },
  probes: { errors: [] },
};

interface Op {
  tag: Tag;
  id: string;
  summary: string;
  description?: string;
  parameters?: (ParameterObject | ReferenceObject)[];
  requestBody?: RequestBodyObject;
  responses: ResponsesObject;
  /** Error statuses beyond those common to the tag. */
  errors?: ErrorStatus[];
}

/** An operation: its tag's security, and its responses with the tag's and its own errors (explicit ones win). */
function op({ tag, id, errors: own = [], responses, ...rest }: Op): OperationObject {
  const { security, errors: common } = ACCESS[tag];
  return {
    tags: [tag],
    operationId: id,
    ...rest,
    ...(security && { security }),
    responses: { ...errors(...common, ...own), ...responses },
  };
}

const jsonBody = (schema: Schema): RequestBodyObject => ({
  required: false,
  content: { 'application/json': { schema } },
});

const query = (name: string, schema: SchemaObject, description: string): ParameterObject => ({
  name,
  in: 'query',
  required: true,
  description,
  schema,
});

const pathId = (name: string, what: string): ParameterObject => ({
  name,
  in: 'path',
  required: true,
  description: `The ${what} id (an id that names nothing, or another tenant's, answers 404).`,
  schema: uuid,
});

// ── Components ──────────────────────────────────────────────────────────────────

/** The fields a caller may set on any session it opens (POST /v1/documents and …/sessions). */
const sessionOptionProps: Record<string, Schema> = {
  user: ref('User'),
  mode: enumOf(MODES, { default: 'edit' }),
  ttl_seconds: int({
    minimum: 1,
    default: 21600,
    description: 'Defaults to SESSION_TTL_SECONDS (21600 = 6 h); may not exceed SESSION_TTL_MAX_SECONDS.',
  }),
  callback: ref('Callback'),
};

/** The options object of POST /v1/documents, in API.md's order. */
const optionProps: Record<string, Schema> = {
  url: str({
    format: 'uri',
    description: 'Import the content from this URL instead of sending it (never together with content).',
    example: 'https://example.com/report.docx',
  }),
  document: obj(
    {
      name: str({ example: 'report.docx' }),
      external_id: str({ example: 'crm-4711' }),
      content_type: str({ example: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' }),
    },
    [],
  ),
  ...sessionOptionProps,
  metadata: { ...anyJson, description: 'Any JSON up to 4 KiB, echoed in events and callbacks.' },
};

const schemas: Record<string, SchemaObject> = {
  Error: obj({
    error: obj(
      {
        code: enumOf(
          ERROR_TABLE.map((row) => row.code),
          { description: 'The HTTP status of each code is fixed by the contract.' },
        ),
        message: str({ description: 'A human sentence.' }),
        details: { description: 'Optional; any JSON that helps (e.g. the invalid fields).' },
      },
      ['code', 'message'],
    ),
  }),
  User: obj({ id: str({ example: 'u-17' }), display_name: str({ example: 'Amelia' }) }, []),
  Callback: obj(
    {
      save_url: str({ format: 'uri', example: 'https://partner.example/save' }),
      headers: { type: 'object', additionalProperties: str(), description: 'Sent with every callback request.' },
      retries: int({
        minimum: 0,
        example: 3,
        description: 'Retries after a failed attempt, with exponential backoff (default 3).',
      }),
      timeout_ms: int({ minimum: 1, example: 10000, description: 'Bound of each attempt (default 10000).' }),
    },
    ['save_url'],
    {
      description:
        'On each save the worker POSTs multipart/form-data to save_url: part `content` (the bytes) and part `meta` ' +
        '(JSON: document_id, external_id, session_id, user, version, saved_at, metadata), with the configured headers and ' +
        '`X-Docsession-Signature: sha256=<hex HMAC of the body with the tenant webhook secret>`. A 2xx is success; ' +
        'redirects are not followed. Delivery is at least once: every attempt of one save carries the same body and ' +
        '`X-Docsession-Delivery: <delivery id>` (also `delivery_id` in meta) to deduplicate by.',
    },
  ),
  SessionOptions: obj(sessionOptionProps, [], {
    additionalProperties: false,
    description: 'Body of POST /v1/documents/{document_id}/sessions; every field optional.',
  }),
  Options: obj(optionProps, [], {
    additionalProperties: false,
    description: 'Every field optional; an unknown or invalid option answers 400 invalid_request.',
  }),
  OpenDocumentJson: obj({ ...optionProps, content_base64: str({ format: 'byte' }) }, [], {
    additionalProperties: false,
    description: 'The Options object plus, at top level, either `content_base64` or `url` (exactly one).',
  }),
  Session: obj(
    {
      session_id: uuid,
      document_id: uuid,
      status: enumOf(SESSION_STATUSES, {
        description: '`inactive` → `active` (opened in a browser) → `closed` or `expired` (both final).',
      }),
      mode: enumOf(MODES),
      user: nullable(ref('User')),
      document_url: str({
        format: 'uri',
        description: '`<PUBLIC_URL>/s/<token>`; the token is the browser bearer secret.',
      }),
      session_url: str({ format: 'uri', description: '`<PUBLIC_URL>/v1/sessions/<session_id>`' }),
      session_delete_url: str({ format: 'uri', description: '`<PUBLIC_URL>/v1/sessions/<session_id>`' }),
      document_delete_url: str({ format: 'uri', description: '`<PUBLIC_URL>/v1/documents/<document_id>`' }),
      created_at: time,
      opened_at: nullable(time),
      closed_at: nullable(time),
      expires_at: time,
      close_reason: nullable(enumOf(CLOSE_REASONS)),
    },
    undefined,
    { description: 'One user’s right to view/edit a document through `document_url`.' },
  ),
  SessionList: obj({ sessions: arrayOf(ref('Session'), { description: 'Newest first.' }) }),
  DeleteSessionResult: obj({ session_id: uuid, status: enumOf(['closed', 'expired']), deleted: always(true) }),
  Collaborator: obj({
    session_id: uuid,
    user: nullable(ref('User')),
    status: enumOf(SESSION_STATUSES),
    host: { type: 'boolean', description: 'The user whose session opened the document.' },
  }),
  Document: obj({
    document_id: uuid,
    external_id: nullable(str({ example: 'crm-4711' })),
    name: str({ example: 'report.docx' }),
    content_type: str(),
    size_bytes: int({ format: 'int64', minimum: 0 }),
    sha256: str({ pattern: '^[0-9a-f]{64}$' }),
    version: int({ minimum: 1 }),
    status: enumOf(['live', 'purged']),
    created_at: time,
    expires_at: { ...time, description: 'The latest expires_at of its sessions.' },
    purged_at: nullable(time),
    active_sessions_count: int({ minimum: 0, description: 'Its sessions that have not ended (inactive or active).' }),
    sessions_count: int({ minimum: 0, description: 'All its sessions.' }),
    collaborators: arrayOf(ref('Collaborator')),
  }),
  DeleteDocumentResult: obj({ document_id: uuid, status: enumOf(['purged']), deleted: always(true) }),
  AuditEvents: obj({
    events: arrayOf(
      obj(
        {
          at: time,
          type: enumOf(EVENT_TYPES),
          session_id: nullable(uuid),
          details: anyJson,
        },
        ['at', 'type'],
      ),
      { description: 'Oldest first.' },
    ),
  }),
  SaveResult: obj({ version: int({ minimum: 1 }), saved_at: time }),
  Usage: obj({
    tenant_id: uuid,
    plan: obj({
      name: str(),
      usage_limit: int({ minimum: 0, example: 50000 }),
      grace_percent: int({ minimum: 0, example: 10 }),
    }),
    period: obj({ start: time, end_exclusive: time }),
    total_usage: int({ minimum: 0, example: 284 }),
    remaining_usage_limit: int({ example: 49716 }),
    status: enumOf(['ok', 'warning', 'over_limit', 'blocked'], {
      description:
        '`warning` from 75 %, `over_limit` past 100 % (opens still allowed within the grace), `blocked` once total_usage ' +
        'reaches floor(usage_limit × (1 + grace_percent/100)) (further opens answer 429 usage_exceeded).',
    }),
  }),
  UsageAlerts: obj({
    alerts: arrayOf(
      obj({
        threshold_percent: enumOf([75, 90, 100]),
        period_start: time,
        fired_at: time,
        usage_at_fire: int({ minimum: 0 }),
      }),
    ),
  }),
  TenantCreateRequest: obj(
    {
      name: str({ minLength: 1, example: 'acme' }),
      plan_name: str({ minLength: 1 }),
      usage_limit: int({ minimum: 0, example: 50000 }),
      grace_percent: int({ minimum: 0, example: 10 }),
      webhook_url: uri,
    },
    ['name'],
  ),
  TenantCreated: obj({ tenant_id: uuid, api_key: str(), webhook_secret: str() }, undefined, {
    description: 'The secrets are shown once (stored hashed).',
  }),
  PlanChange: obj(
    {
      name: str({ minLength: 1, maxLength: 100 }),
      usage_limit: int({ minimum: 0, example: 50000 }),
      grace_percent: int({ minimum: 0, maximum: 1000, example: 10 }),
    },
    [],
    { description: 'The fields to change (at least one); the others keep their value.', minProperties: 1 },
  ),
  Plan: obj(
    { tenant_id: uuid, name: str(), usage_limit: int({ minimum: 0 }), grace_percent: int({ minimum: 0 }) },
    undefined,
    { description: 'The plan as it now is; it applies to the next open on every gateway.' },
  ),
  KeyCreated: obj({ key_id: uuid, api_key: str() }, undefined, {
    description: 'The key is shown once (stored hashed).',
  }),
  KeyRevoked: obj({ key_id: uuid, revoked: always(true) }),
  BillingRow: obj({
    tenant_id: uuid,
    tenant_name: str(),
    period_start: time,
    period_end_exclusive: time,
    usage_limit: int({ minimum: 0 }),
    billable_calls: int({ minimum: 0 }),
    overage_calls: int({ minimum: 0 }),
    ledger_sha256: str({ pattern: '^[0-9a-f]{64}$' }),
  }),
  PurgeStarted: obj({ run_id: uuid }),
  PurgeRuns: obj({
    runs: arrayOf(
      obj(
        {
          run_id: uuid,
          trigger: enumOf(['schedule', 'manual']),
          started_at: { ...nullable(time), description: 'Null while a manual run waits for the run in progress.' },
          finished_at: nullable(time),
          removed: obj({
            expired_sessions: int({
              minimum: 0,
              description: 'Open sessions past their expires_at that the run expired.',
            }),
            purged_documents: int({ minimum: 0, description: 'Documents whose content the run removed.' }),
            orphan_blobs: int({
              minimum: 0,
              description: 'Blob files of no live document, and leftover temporary files.',
            }),
            audit_events: int({ minimum: 0, description: 'Audit events older than AUDIT_RETENTION_DAYS.' }),
          }),
          error: nullable(str()),
        },
        ['run_id', 'trigger', 'started_at', 'finished_at', 'removed', 'error'],
      ),
      { description: 'Most recent first (at most 50).' },
    ),
  }),
  Readiness: obj({
    status: enumOf(['ready', 'unavailable']),
    checks: { type: 'object', additionalProperties: str(), description: '`ok`, or `down: <reason>`, per connection.' },
  }),
};

const parameters: Record<string, ParameterObject> = {
  DocumentId: pathId('document_id', 'document'),
  SessionId: pathId('session_id', 'session'),
  TenantId: pathId('tenant_id', 'tenant'),
  KeyId: pathId('key_id', 'key'),
  Token: {
    name: 'token',
    in: 'path',
    required: true,
    description: 'The bearer secret of document_url (≥ 128 random bits, base64url).',
    schema: str({ pattern: '^[A-Za-z0-9_-]+$' }),
  },
  IdempotencyKey: {
    name: 'Idempotency-Key',
    in: 'header',
    required: false,
    description:
      'A repeat with the same key and the same body within 24 h returns the original status and body with ' +
      '`Idempotent-Replayed: true`, creates nothing and bills nothing; a different body answers 409.',
    schema: str({ maxLength: 255 }),
  },
  Period: query('period', str({ pattern: '^\\d{4}-\\d{2}$', example: '2026-11' }), 'The month, YYYY-MM.'),
};

const headers: Record<string, HeaderObject> = {
  Location: { description: 'The session_url of the new session.', schema: uri },
  'Idempotent-Replayed': {
    description: '`true` on a replay of an earlier request with the same Idempotency-Key.',
    schema: always('true'),
  },
  'Retry-After': { description: 'Seconds to wait (set with `rate_limited`).', schema: int({ minimum: 0 }) },
};

// ── Paths ───────────────────────────────────────────────────────────────────────

const paths: PathsObject = {
  '/v1/documents': {
    post: op({
      tag: 'documents',
      id: 'createDocument',
      summary: 'Upload a document and open its first session (billable)',
      parameters: [param('IdempotencyKey')],
      requestBody: {
        required: true,
        content: {
          'multipart/form-data': {
            schema: obj(
              {
                file: { ...binary, description: 'The content; its filename and content type are used.' },
                options: str({ description: 'A JSON string of the Options object.' }),
              },
              ['file'],
            ),
          },
          'application/json': { schema: ref('OpenDocumentJson') },
        },
      },
      responses: { 201: created('Session', ['Location', 'Idempotent-Replayed']) },
      errors: [400, 409, 413, 415, 422],
    }),
  },
  '/v1/documents/{document_id}': {
    parameters: [param('DocumentId')],
    get: op({
      tag: 'documents',
      id: 'getDocument',
      summary: 'The document, with its session counts and collaborators',
      responses: { 200: json('The document.', ref('Document')) },
      errors: [404],
    }),
    delete: op({
      tag: 'documents',
      id: 'deleteDocument',
      summary: 'End every open session (document_deleted) and remove the content now; idempotent',
      responses: { 200: json('Deleted (or already).', ref('DeleteDocumentResult')) },
      errors: [404],
    }),
  },
  '/v1/documents/{document_id}/sessions': {
    parameters: [param('DocumentId')],
    post: op({
      tag: 'sessions',
      id: 'createSession',
      summary: 'Open another session on a live document (co-editing, billable)',
      parameters: [param('IdempotencyKey')],
      requestBody: jsonBody(ref('SessionOptions')),
      responses: { 201: created('Session', ['Location', 'Idempotent-Replayed']) },
      errors: [400, 404, 409, 410],
    }),
    get: op({
      tag: 'sessions',
      id: 'listDocumentSessions',
      summary: 'The sessions of a document, newest first',
      responses: { 200: json('Its sessions.', ref('SessionList')) },
      errors: [404],
    }),
  },
  '/v1/documents/{document_id}/content': {
    parameters: [param('DocumentId')],
    get: op({
      tag: 'documents',
      id: 'getDocumentContent',
      summary: "The current bytes with the document's content type, while live",
      responses: { 200: bytes("The content, with the document's content type.") },
      errors: [404, 410],
    }),
  },
  '/v1/documents/{document_id}/events': {
    parameters: [param('DocumentId')],
    get: op({
      tag: 'documents',
      id: 'listDocumentEvents',
      summary: 'The audit trail, oldest first; kept after the content is removed',
      responses: { 200: json('The audit trail (kept AUDIT_RETENTION_DAYS, default 90).', ref('AuditEvents')) },
      errors: [404],
    }),
  },
  '/v1/sessions/{session_id}': {
    parameters: [param('SessionId')],
    get: op({
      tag: 'sessions',
      id: 'getSession',
      summary: 'The Session object',
      responses: { 200: json('The session.', ref('Session')) },
      errors: [404],
    }),
    delete: op({
      tag: 'sessions',
      id: 'deleteSession',
      summary: 'End the session (closed, deleted_by_api); idempotent',
      responses: { 200: json('Ended (a final session answers the same).', ref('DeleteSessionResult')) },
      errors: [404],
    }),
  },
  '/v1/usage': {
    get: op({
      tag: 'usage',
      id: 'getUsage',
      summary: "The tenant's plan and usage in the current period",
      responses: { 200: json('Usage.', ref('Usage')) },
    }),
  },
  '/v1/usage/alerts': {
    get: op({
      tag: 'usage',
      id: 'listUsageAlerts',
      summary: 'Usage alerts (75, 90, 100 %), each fired once per period',
      responses: { 200: json('The alerts.', ref('UsageAlerts')) },
    }),
  },
  '/v1/usage/export': {
    get: op({
      tag: 'usage',
      id: 'exportUsage',
      summary: "One row per billable call of the caller's tenant in that period",
      parameters: [param('Period'), query('format', enumOf(['csv', 'ndjson']), 'The output format.')],
      responses: {
        200: text(
          'Streamed, sorted by occurred_at, event_id; byte-identical once the period is closed. CSV header: ' +
            '`event_id,occurred_at,tenant_id,session_id,document_id,user_id,kind` (kind = open|join); NDJSON has one ' +
            'object per line with the same fields. Header `X-Row-Count`: the number of rows. The bytes are defined precisely ' +
            "(UTF-8, LF line ends, RFC 4180 quoting only where needed, times with milliseconds): the billing export's " +
            '`ledger_sha256` is the SHA-256 of this CSV.',
          ['text/csv', 'application/x-ndjson'],
        ),
      },
      errors: [400],
    }),
  },
  '/v1/admin/tenants': {
    post: op({
      tag: 'admin',
      id: 'createTenant',
      summary: 'Create a tenant with its plan (secrets shown once)',
      requestBody: { required: true, content: { 'application/json': { schema: ref('TenantCreateRequest') } } },
      responses: { 201: json('Created.', ref('TenantCreated')) },
      errors: [400],
    }),
  },
  '/v1/admin/tenants/{tenant_id}/keys': {
    parameters: [param('TenantId')],
    post: op({
      tag: 'admin',
      id: 'createKey',
      summary: 'Create another API key for a tenant (shown once)',
      responses: { 201: json('Created.', ref('KeyCreated')) },
      errors: [404],
    }),
  },
  '/v1/admin/tenants/{tenant_id}/plan': {
    parameters: [param('TenantId')],
    patch: op({
      tag: 'admin',
      id: 'changePlan',
      summary: "Change a tenant's plan (usage_limit, grace_percent, name)",
      requestBody: { required: true, content: { 'application/json': { schema: ref('PlanChange') } } },
      responses: { 200: json('Changed.', ref('Plan')) },
      errors: [400, 404],
    }),
  },
  '/v1/admin/keys/{key_id}': {
    parameters: [param('KeyId')],
    delete: op({
      tag: 'admin',
      id: 'revokeKey',
      summary: 'Revoke an API key (it answers 401 at once)',
      responses: { 200: json('Revoked.', ref('KeyRevoked')) },
      errors: [404],
    }),
  },
  '/v1/admin/billing/export': {
    get: op({
      tag: 'admin',
      id: 'exportBilling',
      summary: 'One billing row per tenant for a period',
      parameters: [param('Period'), query('format', enumOf(['csv', 'json']), 'The output format.')],
      responses: {
        200: {
          description:
            'CSV header: `tenant_id,tenant_name,period_start,period_end_exclusive,usage_limit,billable_calls,' +
            'overage_calls,ledger_sha256`; JSON: an array of the same rows.',
          content: { 'text/csv': { schema: str() }, 'application/json': { schema: arrayOf(ref('BillingRow')) } },
        },
      },
      errors: [400],
    }),
  },
  '/v1/admin/purge': {
    post: op({
      tag: 'admin',
      id: 'startPurge',
      summary: 'Run the purge now',
      responses: { 202: json('Started.', ref('PurgeStarted')) },
    }),
  },
  '/v1/admin/purge-runs': {
    get: op({
      tag: 'admin',
      id: 'listPurgeRuns',
      summary: 'Recent purge runs with what each removed',
      responses: { 200: json('The runs.', ref('PurgeRuns')) },
    }),
  },
  '/s/{token}': {
    parameters: [param('Token')],
    get: op({
      tag: 'browser',
      id: 'getPage',
      summary: "The document's page; the first load marks the session active",
      description:
        'Text-like content is shown in an editor (edit mode) or read-only (view mode); other types get a preview where ' +
        'the browser can show one and a download link. The page heartbeats every HEARTBEAT_SECONDS and sends a close ' +
        'beacon on pagehide.',
      responses: {
        200: text('The page.', ['text/html']),
        404: text('A page saying the link is unknown.', ['text/html']),
        410: text('A page saying the session has ended.', ['text/html']),
      },
    }),
  },
  '/s/{token}/content': {
    parameters: [param('Token')],
    get: op({
      tag: 'browser',
      id: 'getPageContent',
      summary: 'The bytes of the document',
      responses: { 200: bytes("The content, with the document's content type.") },
      errors: [410],
    }),
    put: op({
      tag: 'browser',
      id: 'savePageContent',
      summary: 'Save new content (edit mode; not billable; triggers the save callback)',
      requestBody: { required: true, content: { 'application/octet-stream': { schema: binary } } },
      responses: { 200: json('Saved.', ref('SaveResult')) },
      errors: [403, 410, 413],
    }),
  },
  '/s/{token}/heartbeat': {
    parameters: [param('Token')],
    post: op({
      tag: 'browser',
      id: 'heartbeat',
      summary: 'Keep the session open (without one for IDLE_TIMEOUT_SECONDS it closes: idle_timeout)',
      responses: { 204: empty('Noted.') },
      errors: [410],
    }),
  },
  '/s/{token}/close': {
    parameters: [param('Token')],
    post: op({
      tag: 'browser',
      id: 'closePage',
      summary: 'Close the session (closed_by_user) after CLOSE_GRACE_SECONDS unless the page loads or heartbeats again',
      responses: { 202: empty('Closing.') },
      errors: [410],
    }),
  },
  '/healthz': {
    get: op({
      tag: 'probes',
      id: 'healthz',
      summary: 'Process up',
      responses: { 200: json('Up.', obj({ status: always('ok') })) },
    }),
  },
  '/readyz': {
    get: op({
      tag: 'probes',
      id: 'readyz',
      summary: 'Its PostgreSQL, Redis and broker connections work',
      responses: { 200: json('Ready.', ref('Readiness')), 503: json('A connection is down.', ref('Readiness')) },
    }),
  },
  '/metrics': {
    get: op({
      tag: 'probes',
      id: 'metrics',
      summary: 'Prometheus metrics',
      responses: { 200: text('Prometheus text exposition format.', ['text/plain']) },
    }),
  },
};

// ── The document ────────────────────────────────────────────────────────────────

export function openApiDocument(publicUrl: string): OpenAPIObject {
  return {
    openapi: '3.0.3',
    info: {
      title: 'docsession',
      version: '1',
      description:
        'Upload a document, open browser sessions on it (each open is one billable call) and follow its usage. ' +
        'The content is kept only while a session is open. Errors always have the body of the `Error` schema.',
    },
    servers: [{ url: publicUrl }],
    tags: [
      { name: 'documents', description: 'Upload, read and delete documents (tenant API).' },
      { name: 'sessions', description: 'Open, read and end sessions (tenant API).' },
      { name: 'usage', description: 'Usage, alerts and the billable-call export (tenant API).' },
      { name: 'admin', description: 'Operator API (ADMIN_TOKEN).' },
      { name: 'browser', description: 'The session page; its bearer is the token in document_url.' },
      { name: 'probes', description: 'Health, readiness and metrics.' },
    ],
    paths,
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: '`Authorization: Bearer <api_key>`.' },
        apiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: '`X-API-Key: <api_key>`.' },
        adminToken: {
          type: 'http',
          scheme: 'bearer',
          description: '`Authorization: Bearer <ADMIN_TOKEN>`: the operator token of the ADMIN_TOKEN setting.',
        },
      },
      schemas,
      parameters,
      headers,
      responses: errorResponses(),
    },
  };
}
