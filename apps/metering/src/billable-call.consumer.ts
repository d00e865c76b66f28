import { EventName, sessionCreatedSchema, type SessionCreated } from '@docsession/contracts';
import { UsageLedger } from '@docsession/metering';
import { billableCallsTotal, EventConsumer, MicroBatcher } from '@docsession/platform';
import { Controller, Logger } from '@nestjs/common';
import { Ctx, EventPattern, Payload, RmqContext } from '@nestjs/microservices';
import { AlertWebhookDispatcher } from './alert-webhook.dispatcher';

const MAX_BATCH = 500;

/**
 * Every `session.created` is one billable call; acked only after the ledger committed.
 * Events that arrive together are recorded in one transaction; the usage alerts it
 * fires are then handed to the worker.
 */
@Controller()
export class BillableCallConsumer {
  private readonly batcher: MicroBatcher<SessionCreated>;
  private readonly logger = new Logger(BillableCallConsumer.name);

  constructor(
    ledger: UsageLedger,
    alerts: AlertWebhookDispatcher,
    private readonly events: EventConsumer,
  ) {
    this.batcher = new MicroBatcher(
      async (events) => {
        const { recorded, alerts: fired } = await ledger.recordAll(events);
        billableCallsTotal.inc(recorded);
        await alerts.dispatch(fired);
      },
      { name: 'billable calls', maxSize: MAX_BATCH },
    );
  }

  @EventPattern(EventName.SessionCreated)
  async onSessionCreated(@Payload() data: unknown, @Ctx() context: RmqContext): Promise<void> {
    await this.events.consume(context, sessionCreatedSchema, data, async (event) => {
      await this.batcher.submit(event);
      this.logger.debug(`${event.kind} of session ${event.session.sessionId} recorded in the ledger`);
    });
  }
}
