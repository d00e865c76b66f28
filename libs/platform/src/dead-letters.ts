import { DomainError, ErrorCode } from '@docsession/contracts';
import { Logger } from '@nestjs/common';
import * as amqp from 'amqplib';
import type { BusConfig } from './bus';
import { DeliveryHeader } from './event-consumer';
import { busNames, type ServiceName } from './names';

/** A dead letter as the operator sees it. */
export interface DeadLetter {
  /** Names it for a replay (a UUID): given when it was dead-lettered, else its event id. */
  deadLetterId: string;
  eventId: string | null;
  /** The event's name, e.g. `session.created`. */
  pattern: string | null;
  /** The queue (so the service) that gave it up, where a replay puts it back. */
  queue: string | null;
  /** Failed deliveries before it was given up. */
  deliveries: number;
  lastError: string | null;
  deadLetteredAt: string | null;
}

export interface DeadLetterPage {
  deadLetters: DeadLetter[];
  /** How many the queue holds in all. */
  total: number;
}

const CONSUMERS: readonly ServiceName[] = ['gateway', 'session', 'metering', 'worker'];
/** Headers a replay clears: the replayed event starts its deliveries afresh. */
const CLEARED_HEADERS: readonly string[] = [...Object.values(DeliveryHeader), 'x-death', 'x-first-death-exchange'];

/**
 * The dead-letter queue, for the operator: what it holds, and a replay of one event to the
 * queue that gave it up, once its cause is fixed. AMQP cannot browse a queue: both read the
 * messages off it unacknowledged and close the channel, which puts every one not replayed back
 * in its place. So a listing running at the same moment as another may miss the messages the
 * other holds; nothing is ever lost. A replay is published (confirmed) before the dead letter
 * is acked: if the gateway dies in between, the event is there twice, and the consumers, which
 * are idempotent, process it once.
 */
export class DeadLetters {
  private readonly logger = new Logger('DeadLetters');
  private readonly queue: string;
  private readonly eventQueues: Set<string>;

  constructor(private readonly config: BusConfig) {
    const names = busNames(config);
    this.queue = names.deadLetterQueue;
    this.eventQueues = new Set(CONSUMERS.map((s) => names.eventQueue(s)));
  }

  /** The first `limit` dead letters, oldest first, and how many there are. */
  async list(limit: number): Promise<DeadLetterPage> {
    return this.withChannel(async (channel) => {
      const { messageCount } = await channel.checkQueue(this.queue);
      const deadLetters: DeadLetter[] = [];
      for (let i = 0; i < Math.min(limit, messageCount); i++) {
        const message = await channel.get(this.queue, { noAck: false });
        if (!message) break;
        deadLetters.push(describe(message));
      }
      return { deadLetters, total: messageCount };
    });
  }

  /** Puts one dead letter back on its queue, its count cleared; null when there is no such dead letter. */
  async replay(deadLetterId: string): Promise<DeadLetter | null> {
    return this.withChannel(async (channel) => {
      const { messageCount } = await channel.checkQueue(this.queue);
      for (let i = 0; i < messageCount; i++) {
        const message = await channel.get(this.queue, { noAck: false });
        if (!message) break;
        const letter = describe(message);
        if (letter.deadLetterId !== deadLetterId) continue;
        if (!letter.queue || !this.eventQueues.has(letter.queue)) {
          // Only an event queue of this instance: the headers are data, not a destination to trust.
          throw new DomainError(ErrorCode.InvalidRequest, 'The dead letter names no event queue of this instance.');
        }
        await channel.checkQueue(letter.queue);
        const headers = Object.fromEntries(
          Object.entries(message.properties.headers ?? {}).filter(([name]) => !CLEARED_HEADERS.includes(name)),
        );
        channel.sendToQueue(letter.queue, message.content, {
          persistent: true,
          messageId: message.properties.messageId,
          contentType: message.properties.contentType,
          headers: { ...headers, 'x-docsession-replayed-from': deadLetterId },
        });
        await channel.waitForConfirms();
        channel.ack(message);
        this.logger.log(
          `Replayed dead letter ${deadLetterId} (${letter.pattern} ${letter.eventId}) to ${letter.queue}`,
        );
        return letter;
      }
      return null;
    });
  }

  private async withChannel<T>(run: (channel: amqp.ConfirmChannel) => Promise<T>): Promise<T> {
    let connection: Awaited<ReturnType<typeof amqp.connect>>;
    try {
      connection = await amqp.connect(this.config.AMQP_URL);
    } catch (err) {
      this.logger.warn(`Broker not reachable: ${(err as Error).message}`);
      throw new DomainError(ErrorCode.Unavailable, 'The message broker is not reachable.');
    }
    try {
      const channel = await connection.createConfirmChannel();
      try {
        return await run(channel);
      } finally {
        // Closing the channel puts back every message read and not acked. Closed first on its
        // own: a connection closed right after an ack can drop the ack.
        await channel.close().catch(() => undefined);
      }
    } finally {
      await connection.close().catch(() => undefined);
    }
  }
}

function describe(message: amqp.GetMessage): DeadLetter {
  const headers = message.properties.headers ?? {};
  // Dead-lettered by the broker itself (a consumer's reject), it carries x-death instead of ours.
  const death = (headers['x-death'] as { queue?: string; count?: number }[] | undefined)?.[0];
  const eventId = (message.properties.messageId as string | undefined) ?? null;
  return {
    deadLetterId: stringHeader(headers[DeliveryHeader.DeadLetterId]) ?? eventId ?? '',
    eventId,
    pattern: patternOf(message),
    queue: stringHeader(headers[DeliveryHeader.Queue]) ?? death?.queue ?? null,
    deliveries: Number(headers[DeliveryHeader.Deliveries] ?? death?.count ?? 0),
    lastError: stringHeader(headers[DeliveryHeader.Error]),
    deadLetteredAt: stringHeader(headers[DeliveryHeader.DeadLetteredAt]),
  };
}

/** Nest's packet names the event; the routing key is the same name when it does not parse. */
function patternOf(message: amqp.GetMessage): string | null {
  try {
    const pattern = (JSON.parse(message.content.toString('utf8')) as { pattern?: unknown }).pattern;
    if (typeof pattern === 'string') return pattern;
  } catch {
    // not a Nest packet
  }
  return message.fields.routingKey || null;
}

function stringHeader(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return null;
}
