import {
  freePort,
  LocalSystem,
  newIsolatedEnvironment,
  removeIsolatedResources,
  replicatedProcesses,
  type IsolatedEnvironment,
  type Replicas,
} from '@docsession/local-instance';
import { busNames, redisPrefix } from '@docsession/platform';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { instanceBlobStore } from './blobs';
import { E2E_SETTINGS } from './environment';

/**
 * A system of its own for one spec file — its own database, Redis keys, broker names,
 * data directory and processes — for scenarios the shared one must not see: a second
 * worker, Redis emptied under it, a process killed.
 */
export class IsolatedSystem {
  private readonly redis: Redis;
  private readonly queues = new Map<string, Queue>();
  /** The instance's blob store, as its services see it. */
  readonly blobs: ReturnType<typeof instanceBlobStore>;

  private constructor(
    readonly t: IsolatedEnvironment,
    readonly system: LocalSystem,
    readonly logPath: string,
  ) {
    this.redis = new Redis(t.env.REDIS_URL ?? 'redis://127.0.0.1:6379/0', { maxRetriesPerRequest: null });
    this.blobs = instanceBlobStore(t.env);
  }

  /** Starts session, metering, worker and gateway, and the further processes `replicas` asks for. */
  static async start(prefix: string, settings: NodeJS.ProcessEnv, replicas: Replicas = {}): Promise<IsolatedSystem> {
    const t = await newIsolatedEnvironment(prefix, { ...E2E_SETTINGS, ...settings });
    const logPath = join(tmpdir(), `docsession-${t.runId}.log`);
    const log = createWriteStream(logPath);
    process.stdout.write(`\nisolated system ${t.runId}: service logs in ${logPath}\n`);
    const system = new LocalSystem(t.env, (name, line) => log.write(`[${name}] ${line}\n`));
    const isolated = new IsolatedSystem(t, system, logPath);
    await system.migrate();
    await system.start(await replicatedProcesses(t.ports, replicas, freePort));
    return isolated;
  }

  /** The base URL of one of the instance's gateways (`gateway`, `gateway-2`…), running or not. */
  gatewayUrl(name: string): string {
    const spec = this.system.processes.find((p) => p.spec.name === name)?.spec;
    if (!spec || spec.app !== 'gateway') throw new Error(`No gateway ${name}`);
    return `http://127.0.0.1:${spec.port}`;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.t.ports.gateway}`;
  }

  get amqpUrl(): string {
    return this.t.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
  }

  get eventExchange(): string {
    return busNames({ NAMESPACE: this.t.env.NAMESPACE! }).eventExchange;
  }

  /** Whether a document's content is in this instance's blob store (its directory or its bucket). */
  blobExists(documentId: string): Promise<boolean> {
    return this.blobs.exists(documentId);
  }

  /** Those of `documentIds` whose content is still stored. */
  async storedBlobs(documentIds: string[]): Promise<string[]> {
    const stored = await Promise.all(documentIds.map((id) => this.blobs.exists(id)));
    return documentIds.filter((_, i) => stored[i]);
  }

  async query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    const client = new Client({ connectionString: this.t.env.DATABASE_URL });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  /** A BullMQ queue of this instance, to look at its jobs and schedulers. */
  queue(name: string): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.redis, prefix: redisPrefix({ NAMESPACE: this.t.env.NAMESPACE! }) });
      this.queues.set(name, queue);
    }
    return queue;
  }

  /**
   * "Redis comes back empty", for this instance only: every key under its prefix goes
   * (SCAN + UNLINK). Never FLUSHALL: other runs share the server.
   */
  async emptyRedis(): Promise<number> {
    let removed = 0;
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `{${this.t.env.NAMESPACE}}*`, 'COUNT', 1000);
      if (keys.length) removed += await this.redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
    return removed;
  }

  async stop(): Promise<void> {
    for (const queue of this.queues.values()) await queue.close();
    await this.system.stop();
    this.redis.disconnect();
    this.blobs.close();
    await removeIsolatedResources(this.t.env);
  }
}
