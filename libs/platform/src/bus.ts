import { Logger } from '@nestjs/common';
import { Transport, type RmqOptions } from '@nestjs/microservices';
import { connect, type AmqpConnectionManager, type ChannelWrapper } from 'amqp-connection-manager';
import { DomainError, ErrorCode, type EventMap } from '@docsession/contracts';
import * as amqp from 'amqplib';
import type { AppConfig } from './config';
import { busNames, type ServiceName } from './names';
import { currentRequestId, REQUEST_ID_HEADER } from './request-context';

export type BusConfig = Pick<
  AppConfig,
  'AMQP_URL' | 'NAMESPACE' | 'EVENT_PREFETCH' | 'RPC_TIMEOUT_MS' | 'PUBLISH_TIMEOUT_MS'
>;

/**
 * Declares what every service relies on before it consumes or publishes: the durable
 * topic exchange for events and the dead-letter exchange and queue where events that
 * can never be processed are kept, with their last error, for an operator to look at
 * and replay (EventConsumer, DeadLetters).
 */
export async function assertBusTopology(config: BusConfig): Promise<void> {
  const names = busNames(config);
  const connection = await amqp.connect(config.AMQP_URL);
  try {
    const channel = await connection.createChannel();
    await channel.assertExchange(names.eventExchange, 'topic', { durable: true });
    await channel.assertExchange(names.deadLetterExchange, 'fanout', { durable: true });
    await channel.assertQueue(names.deadLetterQueue, { durable: true });
    await channel.bindQueue(names.deadLetterQueue, names.deadLetterExchange, '');
    await channel.close();
  } finally {
    await connection.close();
  }
}

/**
 * The service's durable event queue, bound to the topic exchange by the patterns of its
 * `@EventPattern` handlers. Manual acks: a message is acked only after the handler's
 * transaction committed, so a consumer that dies gets it again.
 */
export function eventConsumerOptions(config: BusConfig, service: ServiceName): RmqOptions {
  const names = busNames(config);
  return {
    transport: Transport.RMQ,
    options: {
      urls: [config.AMQP_URL],
      exchange: names.eventExchange,
      exchangeType: 'topic',
      wildcards: true,
      queue: names.eventQueue(service),
      queueOptions: { durable: true, arguments: { 'x-dead-letter-exchange': names.deadLetterExchange } },
      noAck: false,
      prefetchCount: config.EVENT_PREFETCH,
      persistent: true,
    },
  };
}

/**
 * Publishes events to the topic exchange, in the packet format of Nest's RMQ transport,
 * and resolves only once the broker confirmed. It talks to amqp-connection-manager
 * directly rather than through Nest's ClientRMQ: on the open path the client's
 * Observable plumbing cost more CPU than the publish itself.
 */
const logger = new Logger('EventPublisher');

export class EventPublisher {
  private readonly connection: AmqpConnectionManager;
  private readonly channel: ChannelWrapper;
  private readonly exchange: string;

  constructor(private readonly config: BusConfig) {
    this.exchange = busNames(config).eventExchange;
    this.connection = connect([config.AMQP_URL]);
    this.channel = this.connection.createChannel({
      json: false,
      confirm: true,
      setup: (channel: amqp.ConfirmChannel) => channel.assertExchange(this.exchange, 'topic', { durable: true }),
    });
  }

  async connect(): Promise<void> {
    await this.channel.waitForConnect();
  }

  isConnected(): boolean {
    return this.connection.isConnected();
  }

  /**
   * Throws DomainError(unavailable) when the broker does not confirm in time. The
   * message is then withdrawn from the channel's buffer, so a later reconnect does not
   * publish what the caller was told failed. One edge remains: a message already on the
   * wire whose confirm is lost is delivered although the caller heard 503 — the open then
   * exists and is billed (every 201 still names a session; not every 503 names none).
   */
  async publish<K extends keyof EventMap>(name: K, payload: EventMap[K] & { eventId: string }): Promise<void> {
    if (!this.isConnected()) throw new DomainError(ErrorCode.Unavailable, 'The message broker is not reachable.');
    // An event that names its request (session.created) says so itself; others are part of the current one.
    const requestId =
      ('requestId' in payload && typeof payload.requestId === 'string' ? payload.requestId : undefined) ??
      currentRequestId();
    try {
      await this.channel.publish(this.exchange, name, Buffer.from(JSON.stringify({ pattern: name, data: payload })), {
        persistent: true,
        messageId: payload.eventId,
        contentType: 'application/json',
        timeout: this.config.PUBLISH_TIMEOUT_MS,
        // What the event's handlers log carries the id of the request that caused it.
        ...(requestId && { headers: { [REQUEST_ID_HEADER]: requestId } }),
      });
    } catch (err) {
      logger.warn(`${name} was not confirmed: ${(err as Error).message}`);
      throw new DomainError(ErrorCode.Unavailable, 'The message broker did not confirm the event.');
    }
  }

  /**
   * Publishes bytes as they are, confirmed: a consumer moving a message it could not
   * process (back to its queue, or to the dead letters), or an operator's replay.
   */
  async publishRaw(
    exchange: string,
    routingKey: string,
    content: Buffer,
    options: Pick<amqp.Options.Publish, 'messageId' | 'contentType' | 'headers'>,
  ): Promise<void> {
    await this.channel.publish(exchange, routingKey, content, {
      ...options,
      persistent: true,
      timeout: this.config.PUBLISH_TIMEOUT_MS,
    });
  }

  async close(): Promise<void> {
    await this.channel.close();
    await this.connection.close();
  }
}
