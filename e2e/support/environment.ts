/** The settings every e2e run uses on top of its isolated environment. */
export const MAX_UPLOAD_BYTES = 256 * 1024;

export const E2E_SETTINGS: NodeJS.ProcessEnv = {
  NODE_ENV: 'test',
  MAX_UPLOAD_BYTES: String(MAX_UPLOAD_BYTES),
  URL_IMPORT_TIMEOUT_MS: '3000',
  LOG_LEVEL: 'warn',
};
