import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { secretFromEnvOrDataDir } from './secrets';

describe('secretFromEnvOrDataDir', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'secrets-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('takes the environment’s value first', () => {
    expect(secretFromEnvOrDataDir('from-env', dir, 'secret-key')).toBe('from-env');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('generates 256 bits once, in a 0600 file, leaving nothing else behind', () => {
    const first = secretFromEnvOrDataDir(undefined, join(dir, 'data'), 'secret-key');
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(secretFromEnvOrDataDir(undefined, join(dir, 'data'), 'secret-key')).toBe(first);
    expect(readdirSync(join(dir, 'data'))).toEqual(['secret-key.secret']);
    expect(statSync(join(dir, 'data', 'secret-key.secret')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'data')).mode & 0o777).toBe(0o700);
  });

  it.each([
    ['empty', ''],
    ['truncated', 'abc\n'],
  ])('refuses a secret file that is %s instead of using it', (_what, content) => {
    writeFileSync(join(dir, 'secret-key.secret'), content);
    expect(() => secretFromEnvOrDataDir(undefined, dir, 'secret-key')).toThrow(/fewer than a secret's 43/);
  });
});
