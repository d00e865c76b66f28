import { JobQueue } from '@docsession/contracts';
import { isIP } from 'node:net';
import { z } from 'zod';

const seconds = (fallback: number) => z.coerce.number().int().positive().default(fallback);
/** Jobs one worker process runs at once on a queue; unset, WORKER_CONCURRENCY. */
const queueConcurrency = z.coerce.number().int().positive().optional();
const QUEUES: readonly JobQueue[] = Object.values(JobQueue);

/** Requests a second (a fraction allowed); 0 turns the limit off. */
const rate = (fallback: number) => z.coerce.number().min(0).max(1_000_000).default(fallback);

function isAddressOrCidr(value: string): boolean {
  const [address, bits, ...rest] = value.split('/');
  const family = isIP(address);
  if (!family || rest.length) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}

const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1');

/** One CSP frame-ancestors source: 'self', or a scheme://host[:port] origin (host may start with `*.`). */
const FRAME_ANCESTOR = /^(?:'self'|https?:\/\/(?:\*\.)?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*(?::\d{1,5})?)$/;

/**
 * Every setting of every service, read from the environment once and validated at
 * start. Each has a default that works on a machine with PostgreSQL, Redis and
 * RabbitMQ on their standard local ports; the README lists them in one table.
 */
export const configSchema = z.object({
  PUBLIC_URL: z
    .url()
    .default('http://localhost:3000')
    .transform((u) => u.replace(/\/+$/, '')),
  HOST: z.string().default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  SESSION_PORT: z.coerce.number().int().min(0).max(65535).default(3001),
  METERING_PORT: z.coerce.number().int().min(0).max(65535).default(3002),
  WORKER_PORT: z.coerce.number().int().min(0).max(65535).default(3003),
  /** The gateway also serves /metrics here, without the admin token (for a private network). Unset: only on PORT, with it. */
  METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  DATABASE_URL: z.string().default('postgres://postgres@127.0.0.1:5432/docsession'),
  DB_POOL_SIZE: z.coerce.number().int().positive().default(10),
  /** Longest wait for a free pooled PostgreSQL connection; then the request fails (503), it does not hang. */
  DB_ACQUIRE_TIMEOUT_MS: z.coerce.number().int().min(0).default(5_000),
  /** PostgreSQL cancels a statement that runs longer (statement_timeout). 0: no limit. Migrations run without it. */
  DB_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).default(60_000),
  /** PostgreSQL ends a session idle inside a transaction this long (idle_in_transaction_session_timeout). 0: no limit. */
  DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: z.coerce.number().int().min(0).default(120_000),
  REDIS_URL: z.string().default('redis://127.0.0.1:6379/0'),
  AMQP_URL: z.string().default('amqp://guest:guest@127.0.0.1:5672'),
  NAMESPACE: z
    .string()
    .regex(/^[a-z][a-z0-9_-]{0,39}$/, 'lowercase letters, digits, _ and -, starting with a letter')
    .default('docsession'),
  DATA_DIR: z.string().default('.data'),
  /** Where documents' bytes live: `local` (files under DATA_DIR) or `s3` (an S3-compatible bucket, S3_*). */
  BLOB_STORE: z.enum(['local', 's3']).default('local'),
  /** The S3 API's address (MinIO, Ceph, …); unset: AWS's endpoint for S3_REGION. */
  S3_ENDPOINT: z.url().optional(),
  S3_REGION: z.string().default('us-east-1'),
  S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name')
    .optional(),
  /** Prepended to every object key, e.g. `docsession/`. Everything under it belongs to this installation: the purge removes what is not a live document's. */
  S3_PREFIX: z
    .string()
    .regex(/^(?:[A-Za-z0-9_-][A-Za-z0-9_.-]*\/)*$/, 'empty, or path segments each ending in /')
    .default(''),
  /** Static credentials; unset (both), the AWS SDK's default chain (environment, instance or task role). */
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  /** `bucket` in the path instead of the host name: what MinIO and most self-hosted stores need. */
  S3_FORCE_PATH_STYLE: flag(false),
  /** Connect timeout, and how long one request to S3 may go without any byte moving, before it fails (and is retried). */
  S3_REQUEST_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
  /** Key from which session tokens and webhook secrets are derived; see secrets.ts. */
  SECRET_KEY: z.string().min(32).optional(),
  ADMIN_TOKEN: z.string().min(16).optional(),
  SESSION_TTL_SECONDS: seconds(21_600),
  SESSION_TTL_MAX_SECONDS: seconds(21_600),
  /** How often an open session page tells the gateway it is still there. */
  HEARTBEAT_SECONDS: seconds(30),
  /** An opened session with no heartbeat (or load, or save) for this long closes: `idle_timeout`. */
  IDLE_TIMEOUT_SECONDS: seconds(300),
  /** After a close beacon, how long a reload or heartbeat has to keep the session before it closes. */
  CLOSE_GRACE_SECONDS: seconds(10),
  /**
   * Origins allowed to frame the session page (CSP frame-ancestors), comma- or space-separated:
   * `https://crm.example.com`, `https://*.example.com`, `'self'`. Empty (default): no framing.
   */
  FRAME_ANCESTORS: z
    .string()
    .default('')
    .transform((v) => v.split(/[\s,]+/).filter(Boolean))
    .pipe(z.array(z.string().regex(FRAME_ANCESTOR, "an origin like https://app.example.com, or 'self'"))),
  /** How often the purge runs (one run per interval however many workers run; the first at once when the schedule is new). */
  PURGE_INTERVAL_SECONDS: seconds(21_600),
  /** How often each worker checks that the purge schedule is still in Redis (it goes with a Redis flush); at most PURGE_INTERVAL_SECONDS apart. */
  PURGE_SCHEDULE_CHECK_SECONDS: seconds(60),
  /** A blob file with no document row is an orphan (crash mid-upload) only once older than this: a fresh one may be an open not stored yet. */
  ORPHAN_BLOB_GRACE_SECONDS: seconds(3_600),
  MAX_UPLOAD_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(50 * 1024 * 1024),
  ALLOWED_CONTENT_TYPES: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((t) => t.trim().toLowerCase())
        .filter(Boolean),
    ),
  /** A request whose headers and body take longer to arrive is answered 408 and its connection closed (slow clients). 0: no limit. */
  REQUEST_TIMEOUT_SECONDS: z.coerce.number().int().min(0).default(300),
  /** A request whose headers take longer to arrive is answered 408 and its connection closed. At most REQUEST_TIMEOUT_SECONDS. */
  HEADERS_TIMEOUT_SECONDS: seconds(60),
  /** How long an idle keep-alive connection stays open for the client's next request. Above a load balancer's idle timeout. */
  KEEP_ALIVE_TIMEOUT_SECONDS: seconds(72),
  /** Requests one keep-alive connection may carry before the gateway closes it (spreading clients over gateways). 0: no limit. */
  KEEP_ALIVE_MAX_REQUESTS: z.coerce.number().int().min(0).default(0),
  /** How long a gateway trusts a verified API key without asking PostgreSQL; revocations evict at once. 0 disables. */
  API_KEY_CACHE_SECONDS: z.coerce.number().int().min(0).default(10),
  /**
   * Per API key, shared by all gateways: the requests a second it may make on average, and
   * how many at once (RATE_LIMIT_BURST). 0 turns per-key limits off.
   */
  RATE_LIMIT_PER_SECOND: rate(50),
  RATE_LIMIT_BURST: z.coerce.number().int().positive().default(100),
  /** The same per client address, for requests without an API key (no or unknown key, /s/ pages, admin). 0: off. */
  RATE_LIMIT_PER_ADDRESS_PER_SECOND: rate(100),
  RATE_LIMIT_PER_ADDRESS_BURST: z.coerce.number().int().positive().default(200),
  /**
   * Proxies whose X-Forwarded-For names the client (addresses or CIDRs, comma-separated).
   * Empty (default): the client is the connection's peer, so a client cannot pick its address.
   */
  TRUST_PROXY: z
    .string()
    .default('')
    .transform((v) => v.split(/[\s,]+/).filter(Boolean))
    .pipe(z.array(z.string().refine(isAddressOrCidr, 'an IP address or CIDR, like 10.0.0.1 or 10.0.0.0/8'))),
  /**
   * The BullMQ queues this worker process serves, comma- or space-separated (e.g.
   * `session-expiry,session-idle`); empty (default): all of them. Operators run workers by role.
   */
  WORKER_QUEUES: z
    .string()
    .default('')
    .transform((v, ctx) => {
      const named = [...new Set(v.split(/[\s,]+/).filter(Boolean))];
      for (const name of named.filter((n) => !QUEUES.includes(n as JobQueue))) {
        ctx.addIssue({ code: 'custom', message: `unknown queue "${name}"; the queues are ${QUEUES.join(', ')}` });
      }
      return named.length ? (named as JobQueue[]) : [...QUEUES];
    }),
  /** Jobs one worker process runs at once on each queue that has no setting of its own. */
  WORKER_CONCURRENCY: z.coerce.number().int().positive().default(16),
  /** Expiry jobs a worker runs at once. They end their sessions in shared transactions, so this bounds a batch, not the load on PostgreSQL. */
  EXPIRY_CONCURRENCY: z.coerce.number().int().positive().default(256),
  SESSION_IDLE_CONCURRENCY: queueConcurrency,
  SESSION_CLOSE_GRACE_CONCURRENCY: queueConcurrency,
  SAVE_CALLBACK_CONCURRENCY: queueConcurrency,
  USAGE_ALERT_WEBHOOK_CONCURRENCY: queueConcurrency,
  AUDIT_RETENTION_DAYS: z.coerce.number().int().positive().default(90),
  /** Earlier contents of a live document kept as versions, one per save (the oldest go first); 0 keeps none. All go with the document's content. */
  VERSIONS_KEPT: z.coerce.number().int().min(0).max(1000).default(10),
  DEFAULT_USAGE_LIMIT: z.coerce.number().int().min(0).default(50_000),
  DEFAULT_GRACE_PERCENT: z.coerce.number().int().min(0).max(1000).default(10),
  /** How long the gateways' shared copy (Redis) of a tenant's plan is used before metering is asked again; admin plan changes overwrite it at once. */
  QUOTA_PLAN_CACHE_SECONDS: seconds(60),
  /** How long an open with an Idempotency-Key holds its key while it runs; a same-key request waits at most this long. */
  IDEMPOTENCY_LOCK_SECONDS: seconds(120),
  /** Deadline of one usage-alert webhook POST. */
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  /** Attempts of a usage-alert webhook before it is given up (BullMQ attempts). */
  WEBHOOK_ATTEMPTS: z.coerce.number().int().positive().default(10),
  /** First retry delay of a usage-alert webhook; it doubles with every attempt. */
  WEBHOOK_BACKOFF_MS: z.coerce.number().int().positive().default(2_000),
  /** First retry delay of a save callback (POST to a session's callback.save_url); it doubles with every attempt. */
  CALLBACK_BACKOFF_MS: z.coerce.number().int().positive().default(1_000),
  /** Save-callback deliveries (each with its copy of the saved bytes) that may wait per document; a newer save supersedes the oldest. */
  CALLBACK_MAX_PENDING: z.coerce.number().int().positive().default(3),
  /** A save callback not delivered this long after its document's content was removed is given up, and its copy removed. */
  CALLBACK_MAX_AGE_SECONDS: seconds(3_600),
  /**
   * How often each worker looks for save callbacks still pending in PostgreSQL whose job Redis
   * lost (or never got), and schedules them again; a delivery younger than this is left alone.
   */
  CALLBACK_RECOVERY_SECONDS: seconds(300),
  /** Usage exports (each holds a PostgreSQL connection while it streams) one gateway runs at once; more answer 503. */
  EXPORT_CONCURRENCY: z.coerce.number().int().positive().default(4),
  /** An export whose client reads nothing for this long is cut off, and its slot and connection freed. */
  EXPORT_IDLE_TIMEOUT_SECONDS: seconds(30),
  /** Unacked events a consumer holds at once; also the largest batch it can commit together. */
  EVENT_PREFETCH: z.coerce.number().int().positive().default(256),
  /** Deliveries of an event that fail (its own failures, not a dependency being down) before it goes to the dead letters. */
  EVENT_MAX_DELIVERIES: z.coerce.number().int().positive().default(5),
  /** Pause after a failed delivery before the event is tried again. */
  EVENT_REDELIVERY_DELAY_MS: z.coerce.number().int().min(0).default(1_000),
  RPC_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
  PUBLISH_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
  URL_IMPORT_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  URL_IMPORT_MAX_REDIRECTS: z.coerce.number().int().min(0).max(20).default(5),
  /** Lets URL imports reach loopback and private addresses. For tests only. */
  URL_IMPORT_ALLOW_PRIVATE: flag(false),
  /**
   * The editor's (a WOPI client's: Collabora Online, ONLYOFFICE Docs) discovery XML, e.g.
   * `http://collabora:9980/hosting/discovery`. Unset: no editor, every document gets the built-in page.
   * Operator configuration, so not under the URL-import address policy.
   */
  EDITOR_DISCOVERY_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** How often the gateway fetches the discovery XML again (actions and proof keys change when the editor is updated). */
  EDITOR_DISCOVERY_REFRESH_SECONDS: seconds(43_200),
  /** After a failed discovery fetch, when to try again; also the least time between two refetches caused by failed proofs. */
  EDITOR_DISCOVERY_RETRY_SECONDS: seconds(60),
  /** Deadline of one discovery fetch. */
  EDITOR_DISCOVERY_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
  /** The gateway's address as the editor server reaches it (WOPISrc, proofs). Default: PUBLIC_URL. */
  WOPI_BASE_URL: z
    .url()
    .optional()
    .transform((u) => u?.replace(/\/+$/, '')),
  /** How long a WOPI lock lasts unless the editor refreshes it (the protocol's 30 minutes). */
  WOPI_LOCK_SECONDS: seconds(1_800),
  /** After SIGTERM, how long /readyz answers 503 while everything else is still served, before the service stops taking work. */
  SHUTDOWN_DELAY_SECONDS: z.coerce.number().int().min(0).default(5),
  /** Then, how long in-flight requests, events and jobs have to finish before the process exits anyway. */
  SHUTDOWN_GRACE_SECONDS: seconds(20),
  LOG_FORMAT: z.enum(['text', 'json']).default('text'),
  LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug', 'verbose']).default('log'),
});

export type AppConfig = z.infer<typeof configSchema>;

export class ConfigError extends Error {}

/** Parses an environment; throws a ConfigError that names every bad setting. */
export function parseConfig(env: NodeJS.ProcessEnv): AppConfig {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = configSchema.safeParse(present);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const config = result.data;
  if (config.SESSION_TTL_SECONDS > config.SESSION_TTL_MAX_SECONDS) {
    throw new ConfigError('Invalid configuration:\n  SESSION_TTL_SECONDS: must not exceed SESSION_TTL_MAX_SECONDS');
  }
  if (config.HEARTBEAT_SECONDS >= config.IDLE_TIMEOUT_SECONDS) {
    // Otherwise every open page would be closed as idle between two of its heartbeats.
    throw new ConfigError('Invalid configuration:\n  HEARTBEAT_SECONDS: must be less than IDLE_TIMEOUT_SECONDS');
  }
  if (config.REQUEST_TIMEOUT_SECONDS && config.HEADERS_TIMEOUT_SECONDS > config.REQUEST_TIMEOUT_SECONDS) {
    // Node refuses a headers timeout longer than the request's, which covers the headers too.
    throw new ConfigError('Invalid configuration:\n  HEADERS_TIMEOUT_SECONDS: must not exceed REQUEST_TIMEOUT_SECONDS');
  }
  if (config.BLOB_STORE === 's3') assertS3Settings(config);
  return config;
}

/** Largest object S3 copies in one request (CopyObject): a save moves its staged bytes that way. */
const S3_COPY_MAX_BYTES = 5 * 1024 ** 3;

function assertS3Settings(config: AppConfig): void {
  const problems: string[] = [];
  if (!config.S3_BUCKET) problems.push('S3_BUCKET: required when BLOB_STORE is s3');
  if (!config.S3_ACCESS_KEY_ID !== !config.S3_SECRET_ACCESS_KEY) {
    problems.push('S3_ACCESS_KEY_ID: set both S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, or neither');
  }
  if (config.MAX_UPLOAD_BYTES > S3_COPY_MAX_BYTES) {
    problems.push(`MAX_UPLOAD_BYTES: at most ${S3_COPY_MAX_BYTES} (5 GiB) when BLOB_STORE is s3`);
  }
  if (problems.length) throw new ConfigError(`Invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
}

let cached: AppConfig | undefined;

/** The process's configuration, parsed on first use. */
export function loadConfig(): AppConfig {
  cached ??= parseConfig(process.env);
  return cached;
}

export const APP_CONFIG = Symbol('APP_CONFIG');
