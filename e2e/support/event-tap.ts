import * as amqp from 'amqplib';
import { eventually } from './api';

export interface TappedEvent {
  routingKey: string;
  data: Record<string, unknown>;
}

/**
 * A temporary queue of the test's own, bound to an instance's event exchange: it sees the
 * lifecycle events every consumer sees, without taking any from the services' queues.
 */
export class EventTap {
  readonly received: TappedEvent[] = [];

  private constructor(private readonly connection: amqp.ChannelModel) {}

  static async open(amqpUrl: string, exchange: string, patterns: string[] = ['#']): Promise<EventTap> {
    const connection = await amqp.connect(amqpUrl);
    const tap = new EventTap(connection);
    const channel = await connection.createChannel();
    const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
    for (const pattern of patterns) await channel.bindQueue(queue, exchange, pattern);
    await channel.consume(
      queue,
      (message) => {
        if (!message) return;
        const packet = JSON.parse(message.content.toString()) as { data: Record<string, unknown> };
        tap.received.push({ routingKey: message.fields.routingKey, data: packet.data });
      },
      { noAck: true },
    );
    return tap;
  }

  /** Events under `routingKey` whose payload names `id` as its session or document. */
  about(routingKey: string, id: string): TappedEvent[] {
    return this.received.filter(
      (e) => e.routingKey === routingKey && (e.data.sessionId === id || e.data.documentId === id),
    );
  }

  async waitFor(routingKey: string, id: string, timeoutMs = 10_000): Promise<TappedEvent> {
    return eventually(async () => this.about(routingKey, id)[0], timeoutMs, `${routingKey} for ${id}`);
  }

  async close(): Promise<void> {
    await this.connection.close();
  }
}
