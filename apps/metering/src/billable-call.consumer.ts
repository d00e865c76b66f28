import { EventName, sessionCreatedSchema } from '@docsession/contracts';
import { UsageLedger } from '@docsession/metering';
import { consumeEvent } from '@docsession/platform';
import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload, RmqContext } from '@nestjs/microservices';

/** Every `session.created` is one billable call; acked only after the ledger committed. */
@Controller()
export class BillableCallConsumer {
  constructor(private readonly ledger: UsageLedger) {}

  @EventPattern(EventName.SessionCreated)
  async onSessionCreated(@Payload() data: unknown, @Ctx() context: RmqContext): Promise<void> {
    await consumeEvent(context, sessionCreatedSchema, data, async (event) => {
      await this.ledger.record(event);
    });
  }
}
