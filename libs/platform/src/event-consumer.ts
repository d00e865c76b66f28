import { Logger } from '@nestjs/common';
import type { RmqContext } from '@nestjs/microservices';
import type * as amqp from 'amqplib';
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { BusConfig, EventPublisher } from './bus';
import type { AppConfig } from './config';
import { deadLettersTotal } from './metrics';
import { busNames, type ServiceName } from './names';
import { isOutage } from './outage';

/** Thrown by a handler for an event that can never apply: it is dead-lettered at once, not retried. */
export class UnprocessableEvent extends Error {}

/** What a message carries about its failed deliveries, and a dead letter about where it came from. */
export const DeliveryHeader = {
  /** Failed deliveries so far (counted by the consumer, see EventConsumer). */
  Deliveries: 'x-docsession-deliveries',
  /** The last failure's message. */
  Error: 'x-docsession-error',
  /** The queue (so the service) that gave the message up, and where a replay sends it. */
  Queue: 'x-docsession-queue',
  DeadLetterId: 'x-docsession-dead-letter-id',
  DeadLetteredAt: 'x-docsession-dead-lettered-at',
} as const;

export type ConsumerConfig = BusConfig & Pick<AppConfig, 'EVENT_MAX_DELIVERIES' | 'EVENT_REDELIVERY_DELAY_MS'>;

/** Longest error text kept with a message: headers travel with every redelivery. */
const MAX_ERROR_LENGTH = 1_000;

/**
 * Runs event handlers with at-least-once semantics and an end for poison messages.
 *
 * Poison messages end by a redelivery the consumer counts, not by a quorum queue's
 * `x-delivery-limit` (RabbitMQ 3.10 here has both):
 * - the event queues exist in every deployment as classic durable queues. A queue's type
 *   is fixed when it is declared: declaring it again as a quorum queue fails with
 *   PRECONDITION_FAILED and closes the channel, so the move would need new queue names and
 *   a migration of what the old queues hold;
 * - the broker's dead-lettering cannot carry the failure, and a dead letter an operator is
 *   to fix and replay needs its last error;
 * - the broker counts every return of a message, so while PostgreSQL is down every event
 *   in flight would be dead-lettered within seconds. Here a failure of the service's own
 *   dependencies (isOutage) is waited out and not counted: only the message's own failures
 *   count;
 * - a failed message goes to the back of its queue with its count, instead of staying at
 *   the head where, prefetch slot after prefetch slot, it holds up the others.
 * What it gives up: a delivery that kills the process is not counted (the broker hands the
 * message back as it was). A handler that can crash the process is a bug of its own.
 */
export class EventConsumer {
  private readonly logger = new Logger('EventConsumer');
  private readonly queue: string;
  private readonly deadLetterExchange: string;

  constructor(
    private readonly config: ConsumerConfig,
    private readonly publisher: EventPublisher,
    service: ServiceName,
  ) {
    const names = busNames(config);
    this.queue = names.eventQueue(service);
    this.deadLetterExchange = names.deadLetterExchange;
  }

  /**
   * Validates the payload where it enters the service and acks after the handler (and so
   * its transaction) succeeded. A payload that can never be valid, or that the handler says
   * can never apply, is dead-lettered at once; any other failure is retried after
   * EVENT_REDELIVERY_DELAY_MS, EVENT_MAX_DELIVERIES times in all.
   */
  async consume<S extends z.ZodType>(
    context: RmqContext,
    schema: S,
    data: unknown,
    handle: (payload: z.infer<S>) => Promise<void>,
  ): Promise<void> {
    const channel = context.getChannelRef() as amqp.Channel;
    const message = context.getMessage() as amqp.Message;
    // On shutdown the transport waits for this to return, ack included (see rmq-server.ts).
    await this.handleDelivery(channel, message, context.getPattern(), schema, data, handle);
  }

  private async handleDelivery<S extends z.ZodType>(
    channel: amqp.Channel,
    message: amqp.Message,
    event: string,
    schema: S,
    data: unknown,
    handle: (payload: z.infer<S>) => Promise<void>,
  ): Promise<void> {
    const parsed = schema.safeParse(data);
    if (!parsed.success) return this.deadLetter(channel, message, event, `invalid payload: ${parsed.error.message}`);
    try {
      await handle(parsed.data);
    } catch (err) {
      const reason = errorText(err);
      if (err instanceof UnprocessableEvent) return this.deadLetter(channel, message, event, reason);
      await sleep(this.config.EVENT_REDELIVERY_DELAY_MS);
      if (isOutage(err)) {
        this.logger.warn(`${event} handler failed on a dependency, redelivering: ${reason}`);
        return settle(() => channel.nack(message, false, true));
      }
      const failures = failedDeliveries(message) + 1;
      if (failures >= this.config.EVENT_MAX_DELIVERIES) return this.deadLetter(channel, message, event, reason);
      this.logger.warn(`${event} handler failed (${failures} of ${this.config.EVENT_MAX_DELIVERIES}): ${reason}`);
      return this.forward(
        channel,
        message,
        { exchange: '', routingKey: this.queue },
        {
          [DeliveryHeader.Deliveries]: failures,
          [DeliveryHeader.Error]: reason,
        },
      );
    }
    settle(() => channel.ack(message));
  }

  private async deadLetter(channel: amqp.Channel, message: amqp.Message, event: string, reason: string) {
    const id = randomUUID();
    const failures = failedDeliveries(message) + 1;
    this.logger.error(
      `Dead-lettering ${event} event ${message.properties.messageId ?? '(no id)'} as ${id} after ${failures} ` +
        `deliver${failures === 1 ? 'y' : 'ies'}: ${reason}`,
    );
    await this.forward(
      channel,
      message,
      { exchange: this.deadLetterExchange, routingKey: event },
      {
        [DeliveryHeader.Deliveries]: failures,
        [DeliveryHeader.Error]: reason,
        [DeliveryHeader.Queue]: this.queue,
        [DeliveryHeader.DeadLetterId]: id,
        [DeliveryHeader.DeadLetteredAt]: new Date().toISOString(),
      },
    );
    deadLettersTotal.inc({ event });
  }

  /**
   * Publishes a copy (confirmed) with `headers` added, then acks the original. If the
   * broker does not take the copy, the original goes back to the queue as it was.
   */
  private async forward(
    channel: amqp.Channel,
    message: amqp.Message,
    to: { exchange: string; routingKey: string },
    headers: Record<string, unknown>,
  ): Promise<void> {
    try {
      await this.publisher.publishRaw(to.exchange, to.routingKey, message.content, {
        messageId: message.properties.messageId,
        contentType: message.properties.contentType,
        headers: { ...message.properties.headers, ...headers },
      });
    } catch (err) {
      this.logger.warn(`Could not move a message to ${to.exchange || to.routingKey}: ${errorText(err)}`);
      return settle(() => channel.nack(message, false, true));
    }
    settle(() => channel.ack(message));
  }
}

function failedDeliveries(message: amqp.Message): number {
  const count = Number(message.properties.headers?.[DeliveryHeader.Deliveries] ?? 0);
  return Number.isSafeInteger(count) && count > 0 ? count : 0;
}

function errorText(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH)}…` : text;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** After a reconnect the old channel is gone and the broker redelivers anyway. */
function settle(action: () => void): void {
  try {
    action();
  } catch (err) {
    new Logger('EventConsumer').warn(`Could not settle a message (channel closed?): ${errorText(err)}`);
  }
}
