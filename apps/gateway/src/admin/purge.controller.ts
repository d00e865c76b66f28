import { isoTimeSchema, purgeTriggerSchema, SessionRpc } from '@docsession/contracts';
import { Controller, Get, HttpCode, Inject, Post, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { AdminGuard } from '../auth/admin.guard';
import { SESSION_RPC, type SessionRpcClient } from '../backends';

/** How many runs `GET /v1/admin/purge-runs` lists, newest first. */
const LISTED_RUNS = 50;

export const purgeStartedSchema = z.object({ run_id: z.uuid() }).meta({ id: 'PurgeStarted' });
export type PurgeStarted = z.infer<typeof purgeStartedSchema>;

const count = (description: string) => z.int().min(0).meta({ description });

export const purgeRunsSchema = z
  .object({
    runs: z
      .array(
        z.object({
          run_id: z.uuid(),
          trigger: purgeTriggerSchema,
          started_at: isoTimeSchema
            .nullable()
            .meta({ description: 'Null while a manual run waits for the run in progress.' }),
          finished_at: isoTimeSchema.nullable(),
          removed: z.object({
            expired_sessions: count('Open sessions past their expires_at that the run expired.'),
            purged_documents: count('Documents whose content the run removed.'),
            orphan_blobs: count('Blob files of no live document, and leftover temporary files.'),
            audit_events: count('Audit events older than AUDIT_RETENTION_DAYS.'),
          }),
          error: z.string().nullable(),
        }),
      )
      .meta({ description: `Most recent first (at most ${LISTED_RUNS}).` }),
  })
  .meta({ id: 'PurgeRuns' });
export type PurgeRuns = z.infer<typeof purgeRunsSchema>;

/** Operator API: run the purge now, and what recent runs removed. The session service keeps the record. */
@Controller('v1/admin')
@UseGuards(AdminGuard)
export class PurgeController {
  constructor(@Inject(SESSION_RPC) private readonly sessions: SessionRpcClient) {}

  /** Accepted, not done: a worker runs it (after the run in progress, if any). */
  @Post('purge')
  @HttpCode(202)
  async start(): Promise<PurgeStarted> {
    const { runId } = await this.sessions.call(SessionRpc.StartPurge, {});
    return { run_id: runId };
  }

  @Get('purge-runs')
  async runs(): Promise<PurgeRuns> {
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
