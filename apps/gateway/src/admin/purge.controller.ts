import { SessionRpc } from '@docsession/contracts';
import { Controller, Get, HttpCode, Inject, Post, UseGuards } from '@nestjs/common';
import { AdminGuard } from '../auth/admin.guard';
import { SESSION_RPC, type SessionRpcClient } from '../backends';

/** How many runs `GET /v1/admin/purge-runs` lists, newest first. */
const LISTED_RUNS = 50;

/** Operator API: run the purge now, and what recent runs removed. The session service keeps the record. */
@Controller('v1/admin')
@UseGuards(AdminGuard)
export class PurgeController {
  constructor(@Inject(SESSION_RPC) private readonly sessions: SessionRpcClient) {}

  /** Accepted, not done: a worker runs it (after the run in progress, if any). */
  @Post('purge')
  @HttpCode(202)
  async start() {
    const { runId } = await this.sessions.call(SessionRpc.StartPurge, {});
    return { run_id: runId };
  }

  @Get('purge-runs')
  async runs() {
    const runs = await this.sessions.call(SessionRpc.ListPurgeRuns, { limit: LISTED_RUNS });
    return {
      runs: runs.map((r) => ({
        run_id: r.runId,
        trigger: r.trigger,
        started_at: r.startedAt,
        finished_at: r.finishedAt,
        removed: {
          expired_sessions: r.removed.expiredSessions,
          purged_documents: r.removed.purgedDocuments,
          orphan_blobs: r.removed.orphanBlobs,
          audit_events: r.removed.auditEvents,
        },
        error: r.error,
      })),
    };
  }
}
