import { busNames } from '@docsession/platform';
import * as amqp from 'amqplib';
import { eventually } from './api';
import { e2eState } from './state';

/** Raw access to the run's broker objects, to redeliver events or hold a consumer back. */
export async function withChannel<T>(
  run: (channel: amqp.ConfirmChannel, names: ReturnType<typeof busNames>) => Promise<T>,
) {
  const { env } = e2eState();
  const connection = await amqp.connect(env.AMQP_URL!);
  try {
    const channel = await connection.createConfirmChannel();
    const result = await run(channel, busNames({ NAMESPACE: env.NAMESPACE! }));
    await channel.close();
    return result;
  } finally {
    await connection.close();
  }
}

/** Publishes an event the way the gateway does (Nest's packet format), confirmed. */
export async function publishEvent(pattern: string, data: unknown, copies = 1): Promise<void> {
  await withChannel(async (channel, names) => {
    const content = Buffer.from(JSON.stringify({ pattern, data }));
    for (let i = 0; i < copies; i++) {
      channel.publish(names.eventExchange, pattern, content, { persistent: true, contentType: 'application/json' });
    }
    await channel.waitForConfirms();
  });
}

/** Waits until the consumers' queues are empty, then a little longer for in-flight acks. */
export async function eventQueuesDrained(): Promise<void> {
  await eventually(
    () =>
      withChannel(async (ch, names) => {
        const counts = await Promise.all(
          (['session', 'metering'] as const).map(async (s) => (await ch.checkQueue(names.eventQueue(s))).messageCount),
        );
        return counts.every((n) => n === 0) ? true : undefined;
      }),
    30_000,
    'event queues drained',
  );
  await new Promise((r) => setTimeout(r, 500));
}

export interface PeekedMessage {
  content: unknown;
  messageId?: string;
  headers: Record<string, unknown>;
}

/** What the dead-letter queue holds, read without taking anything off it. */
export async function peekDeadLetters(): Promise<PeekedMessage[]> {
  return withChannel(async (channel, names) => {
    const seen: PeekedMessage[] = [];
    for (let m = await channel.get(names.deadLetterQueue); m; m = await channel.get(names.deadLetterQueue)) {
      seen.push({
        content: JSON.parse(m.content.toString()),
        messageId: m.properties.messageId,
        headers: m.properties.headers ?? {},
      });
    }
    return seen; // unacked: closing the channel puts them all back
  });
}
