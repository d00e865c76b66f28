import { z } from 'zod';

const seconds = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1');

/**
 * Every setting of every service, read from the environment once and validated at
 * start. Each has a default that works on a machine with PostgreSQL, Redis and
 * RabbitMQ on their standard local ports; the README lists them in one table.
 */
export const configSchema = z.object({
  PUBLIC_URL: z.url().default('http://localhost:3000').transform((u) => u.replace(/\/+$/, '')),
  HOST: z.string().default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  SESSION_PORT: z.coerce.number().int().min(0).max(65535).default(3001),
  METERING_PORT: z.coerce.number().int().min(0).max(65535).default(3002),
  WORKER_PORT: z.coerce.number().int().min(0).max(65535).default(3003),
  DATABASE_URL: z.string().default('postgres://postgres@127.0.0.1:5432/docsession'),
  DB_POOL_SIZE: z.coerce.number().int().positive().default(10),
  REDIS_URL: z.string().default('redis://127.0.0.1:6379/0'),
  AMQP_URL: z.string().default('amqp://guest:guest@127.0.0.1:5672'),
  NAMESPACE: z
    .string()
    .regex(/^[a-z][a-z0-9_-]{0,39}$/, 'lowercase letters, digits, _ and -, starting with a letter')
    .default('docsession'),
  DATA_DIR: z.string().default('.data'),
  /** Key from which session tokens and webhook secrets are derived; see secrets.ts. */
  SECRET_KEY: z.string().min(32).optional(),
  ADMIN_TOKEN: z.string().min(16).optional(),
  SESSION_TTL_SECONDS: seconds(21_600),
  SESSION_TTL_MAX_SECONDS: seconds(21_600),
  HEARTBEAT_SECONDS: seconds(30),
  IDLE_TIMEOUT_SECONDS: seconds(300),
  CLOSE_GRACE_SECONDS: seconds(10),
  PURGE_INTERVAL_SECONDS: seconds(21_600),
  MAX_UPLOAD_BYTES: z.coerce.number().int().positive().default(50 * 1024 * 1024),
  ALLOWED_CONTENT_TYPES: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((t) => t.trim().toLowerCase())
        .filter(Boolean),
    ),
  /** How long a gateway trusts a verified API key without asking PostgreSQL; revocations evict at once. 0 disables. */
  API_KEY_CACHE_SECONDS: z.coerce.number().int().min(0).default(10),
  WORKER_CONCURRENCY: z.coerce.number().int().positive().default(16),
  AUDIT_RETENTION_DAYS: z.coerce.number().int().positive().default(90),
  DEFAULT_USAGE_LIMIT: z.coerce.number().int().min(0).default(50_000),
  DEFAULT_GRACE_PERCENT: z.coerce.number().int().min(0).max(1000).default(10),
  /** Unacked events a consumer holds at once; also the largest batch it can commit together. */
  EVENT_PREFETCH: z.coerce.number().int().positive().default(256),
  RPC_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
  PUBLISH_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
  URL_IMPORT_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  URL_IMPORT_MAX_REDIRECTS: z.coerce.number().int().min(0).max(20).default(5),
  /** Lets URL imports reach loopback and private addresses. For tests only. */
  URL_IMPORT_ALLOW_PRIVATE: flag(false),
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
  return config;
}

let cached: AppConfig | undefined;

/** The process's configuration, parsed on first use. */
export function loadConfig(): AppConfig {
  cached ??= parseConfig(process.env);
  return cached;
}

export const APP_CONFIG = Symbol('APP_CONFIG');
