import { MeteringModule } from '@docsession/metering';
import { PlatformModule } from '@docsession/platform';
import { Module } from '@nestjs/common';
import { AlertWebhookDispatcher } from './alert-webhook.dispatcher';
import { BillableCallConsumer } from './billable-call.consumer';
import { MeteringRpcController } from './metering.rpc.controller';

/** The metering service: counts each open as one billable call, reports usage and fires usage alerts. */
@Module({
  imports: [PlatformModule.forService({ service: 'metering' }), MeteringModule],
  controllers: [BillableCallConsumer, MeteringRpcController],
  providers: [AlertWebhookDispatcher],
})
export class MeteringAppModule {}
