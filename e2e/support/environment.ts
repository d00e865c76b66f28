/** The settings every e2e run uses on top of its isolated environment. */
export const MAX_UPLOAD_BYTES = 256 * 1024;

export const PAGE_TIMES = { heartbeatSeconds: 1, idleTimeoutSeconds: 4, closeGraceSeconds: 2 };

export const E2E_SETTINGS: NodeJS.ProcessEnv = {
  NODE_ENV: 'test',
  MAX_UPLOAD_BYTES: String(MAX_UPLOAD_BYTES),
  URL_IMPORT_TIMEOUT_MS: '3000',
  // The session page's times, short enough to watch real heartbeats, idle timeouts and close graces.
  HEARTBEAT_SECONDS: String(PAGE_TIMES.heartbeatSeconds),
  IDLE_TIMEOUT_SECONDS: String(PAGE_TIMES.idleTimeoutSeconds),
  CLOSE_GRACE_SECONDS: String(PAGE_TIMES.closeGraceSeconds),
  // Webhook retries a fifth of a second apart, so a retry after a failure is quick to watch.
  WEBHOOK_BACKOFF_MS: '200',
  // Save-callback retries 200, 400, 800 ms … apart, and lost callback jobs rescheduled within seconds.
  CALLBACK_BACKOFF_MS: '200',
  CALLBACK_RECOVERY_SECONDS: '2',
  // Rate limits counted on every request as in production, but never reached by a test's load
  // (rate-limits.e2e-spec.ts runs an instance of its own with small budgets).
  RATE_LIMIT_PER_SECOND: '100000',
  RATE_LIMIT_BURST: '100000',
  RATE_LIMIT_PER_ADDRESS_PER_SECOND: '100000',
  RATE_LIMIT_PER_ADDRESS_BURST: '100000',
  LOG_LEVEL: 'warn',
  // Nothing routes by these processes' /readyz: they may stop taking work at once on SIGTERM.
  SHUTDOWN_DELAY_SECONDS: '0',
};
