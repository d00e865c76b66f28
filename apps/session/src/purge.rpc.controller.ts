import { listPurgeRunsSchema, SessionRpc, startPurgeSchema } from '@docsession/contracts';
import { DomainRpcExceptionFilter } from '@docsession/platform';
import { PurgeQueue, PurgeRuns } from '@docsession/sessions';
import { Controller, UseFilters } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';

/** The operator's purge commands: run one now, and the record of runs. The worker runs them. */
@Controller()
@UseFilters(DomainRpcExceptionFilter)
export class PurgeRpcController {
  constructor(
    private readonly queue: PurgeQueue,
    private readonly runs: PurgeRuns,
  ) {}

  /**
   * Enqueued first, recorded second: a run that could not be enqueued (Redis down: 503)
   * leaves no row that would never start; a row that could not be written is written by
   * the worker when the run starts.
   */
  @MessagePattern(SessionRpc.StartPurge)
  async startPurge(@Payload() data: unknown) {
    startPurgeSchema.parse(data ?? {});
    const runId = randomUUID();
    await this.queue.enqueueManual(runId);
    await this.runs.queued(runId);
    return { runId };
  }

  @MessagePattern(SessionRpc.ListPurgeRuns)
  listPurgeRuns(@Payload() data: unknown) {
    return this.runs.list(listPurgeRunsSchema.parse(data).limit);
  }
}
