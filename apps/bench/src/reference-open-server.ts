import { Queue } from 'bullmq';
import * as amqp from 'amqplib';
import { Redis } from 'ioredis';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, rename, writeFile } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Pool } from 'pg';

/**
 * The yardstick for `npm run bench`: the least code that does an open's durable work, by hand,
 * in one process, with no framework — what the system is measured against. Per open it
 * checks the key, claims the Idempotency-Key and counts the open in one Redis round trip,
 * decodes the base64, hashes and writes the file (temporary name, then rename), stores the
 * document, the session and the ledger row in one PostgreSQL statement, adds the delayed
 * expiry job to BullMQ and publishes a persistent event with a publisher confirm to a durable
 * queue. It answers a Session-like object. Configured by the bench through the environment.
 */
const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const TTL_SECONDS = 21_600;
const namespace = env('NAMESPACE');
const apiKey = env('REFERENCE_API_KEY');
const tenantId = randomUUID();
const dir = join(env('DATA_DIR'), 'reference-blobs');
const writeFileAsync = promisify(writeFile);
const renameAsync = promisify(rename);

const REFERENCE_SCHEMA = `
  CREATE SCHEMA IF NOT EXISTS bench_reference;
  CREATE TABLE IF NOT EXISTS bench_reference.documents (
    id uuid PRIMARY KEY, tenant_id uuid NOT NULL, name text NOT NULL, size_bytes bigint NOT NULL,
    sha256 text NOT NULL, created_at timestamptz NOT NULL);
  CREATE TABLE IF NOT EXISTS bench_reference.sessions (
    id uuid PRIMARY KEY, document_id uuid NOT NULL, token_hash text NOT NULL UNIQUE, status text NOT NULL,
    created_at timestamptz NOT NULL, expires_at timestamptz NOT NULL);
  CREATE TABLE IF NOT EXISTS bench_reference.ledger (
    tenant_id uuid NOT NULL, event_id uuid NOT NULL, occurred_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, event_id));`;

const INSERT = `WITH d AS (
    INSERT INTO bench_reference.documents (id, tenant_id, name, size_bytes, sha256, created_at)
    VALUES ($1, $2, $3, $4, $5, $6)
  ), s AS (
    INSERT INTO bench_reference.sessions (id, document_id, token_hash, status, created_at, expires_at)
    VALUES ($7, $1, $8, 'inactive', $6, $9)
  )
  INSERT INTO bench_reference.ledger (tenant_id, event_id, occurred_at) VALUES ($2, $7, $6)`;

async function main(): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const pool = new Pool({ connectionString: env('DATABASE_URL'), max: 10 });
  await pool.query(REFERENCE_SCHEMA);
  const redis = new Redis(env('REDIS_URL'));
  const expiry = new Queue('reference-expiry', {
    connection: new Redis(env('REDIS_URL'), { maxRetriesPerRequest: null }),
    prefix: `{${namespace}}`,
  });
  const connection = await amqp.connect(env('AMQP_URL'));
  const channel = await connection.createConfirmChannel();
  const exchange = `${namespace}.reference`;
  await channel.assertExchange(exchange, 'topic', { durable: true });
  await channel.assertQueue(`${namespace}.reference`, { durable: true });
  await channel.bindQueue(`${namespace}.reference`, exchange, '#');

  const publish = (body: Buffer, messageId: string) =>
    new Promise<void>((resolve, reject) =>
      channel.publish(exchange, 'session.created', body, { persistent: true, messageId }, (err) =>
        err ? reject(err) : resolve(),
      ),
    );

  async function open(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
    if (req.headers.authorization !== `Bearer ${apiKey}`) return answer(res, 401, { error: 'unauthorized' });
    const idempotencyKey = req.headers['idempotency-key'];
    const [[, claimed], [, counted]] = (await redis
      .multi()
      .set(`{${namespace}}:ref:idem:${idempotencyKey}`, '1', 'EX', 86_400, 'NX')
      .incr(`{${namespace}}:ref:usage`)
      .exec()) as [[null, string | null], [null, number]];
    if (claimed !== 'OK' || !(counted > 0)) return answer(res, 409, { error: 'replayed' });

    const parsed = JSON.parse(body.toString('utf8')) as { content_base64: string; document?: { name?: string } };
    const content = Buffer.from(parsed.content_base64, 'base64');
    const documentId = randomUUID();
    const sessionId = randomUUID();
    const sha256 = createHash('sha256').update(content).digest('hex');
    const temp = join(dir, `.${documentId}.partial`);
    await writeFileAsync(temp, content);
    await renameAsync(temp, join(dir, documentId));

    const token = randomBytes(32).toString('base64url');
    const now = new Date();
    const expiresAt = new Date(now.getTime() + TTL_SECONDS * 1000);
    const name = parsed.document?.name ?? 'document';
    await pool.query(INSERT, [
      documentId,
      tenantId,
      name,
      content.length,
      sha256,
      now,
      sessionId,
      createHash('sha256').update(token).digest('hex'),
      expiresAt,
    ]);
    const event = Buffer.from(JSON.stringify({ sessionId, documentId, tenantId, occurredAt: now, name, sha256 }));
    await Promise.all([
      expiry.add('expire', { sessionId }, { jobId: sessionId, delay: TTL_SECONDS * 1000, removeOnComplete: true }),
      publish(event, sessionId),
    ]);
    answer(res, 201, {
      session_id: sessionId,
      document_id: documentId,
      status: 'inactive',
      document_url: `http://127.0.0.1/s/${token}`,
      created_at: now.toISOString(),
      expires_at: expiresAt.toISOString(),
    });
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      open(req, res, Buffer.concat(chunks)).catch((err: unknown) => answer(res, 500, { error: String(err) }));
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(Number(env('PORT')), '127.0.0.1', () => process.stdout.write('reference ready\n'));
  process.once('SIGTERM', () => {
    server.close();
    void Promise.allSettled([pool.end(), expiry.obliterate({ force: true }).then(() => expiry.close())])
      .then(() => channel.deleteQueue(`${namespace}.reference`))
      .then(() => channel.deleteExchange(exchange))
      .finally(() => process.exit(0));
  });
}

function answer(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}

void main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
