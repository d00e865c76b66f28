import { JobQueue } from '@docsession/contracts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configSchema, ConfigError, parseConfig } from './config';

describe('parseConfig', () => {
  it('gives every setting a working default', () => {
    const config = parseConfig({});
    expect(config.SESSION_TTL_SECONDS).toBe(21_600);
    expect(config.PURGE_INTERVAL_SECONDS).toBe(21_600);
    expect(config.PUBLIC_URL).toBe('http://localhost:3000');
    expect(config.ALLOWED_CONTENT_TYPES).toEqual([]);
    expect(config.URL_IMPORT_ALLOW_PRIVATE).toBe(false);
  });

  it('reads numbers, lists and flags from strings', () => {
    const config = parseConfig({
      SESSION_TTL_SECONDS: '2',
      ALLOWED_CONTENT_TYPES: 'text/plain, Application/PDF',
      URL_IMPORT_ALLOW_PRIVATE: 'true',
      PUBLIC_URL: 'https://docs.example.com/',
    });
    expect(config.SESSION_TTL_SECONDS).toBe(2);
    expect(config.ALLOWED_CONTENT_TYPES).toEqual(['text/plain', 'application/pdf']);
    expect(config.URL_IMPORT_ALLOW_PRIVATE).toBe(true);
    expect(config.PUBLIC_URL).toBe('https://docs.example.com');
  });

  it('names every invalid setting', () => {
    expect(() => parseConfig({ SESSION_TTL_SECONDS: '-1', NAMESPACE: 'Bad Name' })).toThrow(
      /SESSION_TTL_SECONDS[\s\S]*NAMESPACE|NAMESPACE[\s\S]*SESSION_TTL_SECONDS/,
    );
  });

  it('refuses a default TTL above the maximum', () => {
    expect(() => parseConfig({ SESSION_TTL_SECONDS: '100', SESSION_TTL_MAX_SECONDS: '50' })).toThrow(ConfigError);
  });

  it('refuses a headers timeout longer than the request timeout (unless that is off)', () => {
    expect(() => parseConfig({ REQUEST_TIMEOUT_SECONDS: '30', HEADERS_TIMEOUT_SECONDS: '31' })).toThrow(
      /HEADERS_TIMEOUT_SECONDS: must not exceed REQUEST_TIMEOUT_SECONDS/,
    );
    expect(parseConfig({ REQUEST_TIMEOUT_SECONDS: '0', HEADERS_TIMEOUT_SECONDS: '90' }).HEADERS_TIMEOUT_SECONDS).toBe(
      90,
    );
  });

  it('serves every queue unless WORKER_QUEUES names some, and refuses a name that is no queue', () => {
    expect(parseConfig({}).WORKER_QUEUES).toEqual(Object.values(JobQueue));
    expect(parseConfig({ WORKER_QUEUES: 'session-expiry, session-idle,session-expiry' }).WORKER_QUEUES).toEqual([
      'session-expiry',
      'session-idle',
    ]);
    expect(() => parseConfig({ WORKER_QUEUES: 'session-expiry,expiry' })).toThrow(
      /WORKER_QUEUES: unknown queue "expiry"; the queues are session-expiry, /,
    );
  });

  it('needs a bucket, and both keys or neither, for the S3 blob store', () => {
    expect(parseConfig({}).BLOB_STORE).toBe('local');
    expect(() => parseConfig({ BLOB_STORE: 's3' })).toThrow(/S3_BUCKET: required/);
    expect(() => parseConfig({ BLOB_STORE: 's3', S3_BUCKET: 'docs', S3_ACCESS_KEY_ID: 'k' })).toThrow(
      /set both S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY/,
    );
    expect(() => parseConfig({ BLOB_STORE: 's3', S3_BUCKET: 'docs', MAX_UPLOAD_BYTES: String(6 * 1024 ** 3) })).toThrow(
      /MAX_UPLOAD_BYTES: at most/,
    );
    const config = parseConfig({
      BLOB_STORE: 's3',
      S3_BUCKET: 'docs',
      S3_PREFIX: 'tenant-a/blobs/',
      S3_FORCE_PATH_STYLE: '1',
    });
    expect(config).toMatchObject({ S3_BUCKET: 'docs', S3_PREFIX: 'tenant-a/blobs/', S3_FORCE_PATH_STYLE: true });
  });

  it('trusts no proxy unless TRUST_PROXY lists addresses or CIDRs', () => {
    expect(parseConfig({}).TRUST_PROXY).toEqual([]);
    expect(parseConfig({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1,::1 fd00::/8' }).TRUST_PROXY).toEqual([
      '10.0.0.0/8',
      '127.0.0.1',
      '::1',
      'fd00::/8',
    ]);
    for (const bad of ['*', 'true', '10.0.0.0/33', 'proxy.example.com', '10.0.0.1/8/1']) {
      expect(() => parseConfig({ TRUST_PROXY: bad })).toThrow(/TRUST_PROXY/);
    }
  });

  it('limits 50 requests a second per key with bursts of 100 unless told otherwise; 0 is off', () => {
    expect(parseConfig({})).toMatchObject({ RATE_LIMIT_PER_SECOND: 50, RATE_LIMIT_BURST: 100 });
    expect(parseConfig({ RATE_LIMIT_PER_SECOND: '0.5', RATE_LIMIT_PER_ADDRESS_PER_SECOND: '0' })).toMatchObject({
      RATE_LIMIT_PER_SECOND: 0.5,
      RATE_LIMIT_PER_ADDRESS_PER_SECOND: 0,
    });
    expect(() => parseConfig({ RATE_LIMIT_BURST: '0' })).toThrow(/RATE_LIMIT_BURST/);
  });

  it.each(['/', 'docs', '../', 'a//', './'])('refuses the S3 prefix %j', (prefix) => {
    expect(() => parseConfig({ S3_PREFIX: prefix })).toThrow(/S3_PREFIX/);
  });
});

describe('the README', () => {
  it('documents every setting, and only settings that exist', () => {
    const readme = readFileSync(join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('## Development'));
    const documented = [...section.matchAll(/^\| `([A-Z0-9_]+)` \|/gm)].map((m) => m[1]).sort();
    expect(documented).toEqual(Object.keys(configSchema.shape).sort());
  });
});
