import { EventName, sessionCreatedSchema } from '@docsession/contracts';
import { consumeEvent } from '@docsession/platform';
import { SessionService } from '@docsession/sessions';
import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload, RmqContext } from '@nestjs/microservices';

/** Stores each open from the bus; acked only after the insert committed. */
@Controller()
export class SessionCreatedConsumer {
  constructor(private readonly sessions: SessionService) {}

  @EventPattern(EventName.SessionCreated)
  async onSessionCreated(@Payload() data: unknown, @Ctx() context: RmqContext): Promise<void> {
    await consumeEvent(context, sessionCreatedSchema, data, async (event) =>
      (await this.sessions.applyCreated(event)) ? undefined : 'dead-letter',
    );
  }
}
