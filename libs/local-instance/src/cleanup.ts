import { busNames, dropDatabase, type ServiceName } from '@docsession/platform';
import * as amqp from 'amqplib';
import { Redis } from 'ioredis';
import { rmSync } from 'node:fs';

const SERVICES: ServiceName[] = ['gateway', 'session', 'metering', 'worker'];

/** Removes everything an isolated instance created on the shared servers. */
export async function removeIsolatedResources(env: NodeJS.ProcessEnv): Promise<void> {
  const namespace = env.NAMESPACE!;
  const names = busNames({ NAMESPACE: namespace });
  const connection = await amqp.connect(env.AMQP_URL!);
  try {
    const channel = await connection.createChannel();
    for (const service of SERVICES) {
      await channel.deleteQueue(names.eventQueue(service));
      await channel.deleteQueue(names.rpcQueue(service));
    }
    await channel.deleteQueue(names.deadLetterQueue);
    await channel.deleteExchange(names.eventExchange);
    await channel.deleteExchange(names.deadLetterExchange);
    await channel.close();
  } finally {
    await connection.close();
  }

  const redis = new Redis(env.REDIS_URL!);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `{${namespace}}*`, 'COUNT', 1000);
      if (keys.length) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }

  await dropDatabase(env.DATABASE_URL!);
  rmSync(env.DATA_DIR!, { recursive: true, force: true });
}
