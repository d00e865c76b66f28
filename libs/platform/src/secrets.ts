import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** 256 random bits in base64url: what is generated, and the least a kept secret may have. */
const SECRET_LENGTH = 43;

/**
 * A secret from the environment or, when unset, one generated once and kept in
 * DATA_DIR (mode 0600). On one machine every service shares DATA_DIR and so the
 * secret; deployments over several machines set it in the environment.
 *
 * The file appears whole or not at all: the secret is written and synced under a name
 * of its own, then hard-linked to its place, which fails if another process got there
 * first (then its secret is the one). So no service can read a half-written secret,
 * and one shorter than a generated secret (truncated, emptied) stops the service
 * instead of signing with a guessable key.
 */
export function secretFromEnvOrDataDir(value: string | undefined, dataDir: string, name: string): string {
  if (value) return value;
  const path = join(dataDir, `${name}.secret`);
  const existing = readSecret(path);
  if (existing !== null) return existing;
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = openSync(temporary, 'wx', 0o600);
  try {
    writeSync(fd, `${randomBytes(32).toString('base64url')}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(temporary, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    unlinkSync(temporary);
  }
  return readSecret(path)!;
}

/** The secret kept in `path`, or null when there is none yet. */
function readSecret(path: string): string | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const secret = text.trim();
  if (secret.length < SECRET_LENGTH) {
    throw new Error(
      `${path} holds ${secret.length} characters, fewer than a secret's ${SECRET_LENGTH}: ` +
        'restore it, or set the secret in the environment.',
    );
  }
  return secret;
}
