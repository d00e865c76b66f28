import { SessionRpc, type ListPurgeRunsRequest } from '@docsession/contracts';
import { DomainRpcExceptionFilter, RpcHandler } from '@docsession/platform';
import { PurgeQueue, PurgeRuns } from '@docsession/sessions';
import { Controller, UseFilters } from '@nestjs/common';
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
  @RpcHandler(SessionRpc.StartPurge)
  async startPurge() {
    const runId = randomUUID();
    await this.queue.enqueueManual(runId);
    await this.runs.queued(runId);
    return { runId };
  }

  @RpcHandler(SessionRpc.ListPurgeRuns)
  listPurgeRuns({ limit }: ListPurgeRunsRequest) {
    return this.runs.list(limit);
  }
}
