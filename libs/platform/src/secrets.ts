import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A secret from the environment or, when unset, one generated once and kept in
 * DATA_DIR (mode 0600). On one machine every service shares DATA_DIR and so the
 * secret; deployments over several machines set it in the environment.
 */
export function secretFromEnvOrDataDir(value: string | undefined, dataDir: string, name: string): string {
  if (value) return value;
  const path = join(dataDir, `${name}.secret`);
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  try {
    // 'wx' fails if another process won the race; then read what it wrote.
    writeFileSync(path, secret + '\n', { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return readFileSync(path, 'utf8').trim();
  }
}
