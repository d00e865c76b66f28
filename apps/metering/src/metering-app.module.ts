import { MeteringModule } from '@docsession/metering';
import { PlatformModule } from '@docsession/platform';
import { Module } from '@nestjs/common';
import { BillableCallConsumer } from './billable-call.consumer';
import { MeteringRpcController } from './metering.rpc.controller';

/** The metering service: counts each open as one billable call and reports usage. */
@Module({
  imports: [PlatformModule.forService({ service: 'metering', entities: [] }), MeteringModule],
  controllers: [BillableCallConsumer, MeteringRpcController],
})
export class MeteringAppModule {}
