import { EventName, sessionCreatedSchema, type SessionCreated } from '@docsession/contracts';
import { EventConsumer, MicroBatcher } from '@docsession/platform';
import { SessionService } from '@docsession/sessions';
import { Controller, Logger } from '@nestjs/common';
import { Ctx, EventPattern, Payload, RmqContext } from '@nestjs/microservices';

const MAX_BATCH = 500;

/**
 * Stores each open from the bus; acked only after the insert committed. Events that
 * arrive together are stored in one transaction.
 */
@Controller()
export class SessionCreatedConsumer {
  private readonly batcher: MicroBatcher<SessionCreated>;
  private readonly logger = new Logger(SessionCreatedConsumer.name);

  constructor(
    sessions: SessionService,
    private readonly events: EventConsumer,
  ) {
    this.batcher = new MicroBatcher((events) => sessions.applyCreated(events), { name: 'opens', maxSize: MAX_BATCH });
  }

  @EventPattern(EventName.SessionCreated)
  async onSessionCreated(@Payload() data: unknown, @Ctx() context: RmqContext): Promise<void> {
    await this.events.consume(context, sessionCreatedSchema, data, async (event) => {
      await this.batcher.submit(event);
      this.logger.debug(`${event.kind} of session ${event.session.sessionId} stored`);
    });
  }
}
