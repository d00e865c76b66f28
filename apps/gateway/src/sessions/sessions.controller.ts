import { finalSessionStatusSchema, SessionRpc } from '@docsession/contracts';
import { Controller, Delete, Get, Inject, Param, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { TenantId } from '../auth/tenant';
import { SESSION_RPC, type SessionRpcClient } from '../backends';
import { IdPipe } from '../http/id.pipe';
import { SessionPresenter, type SessionView } from '../opens/session-presenter';

export const sessionEndedSchema = z
  .object({ session_id: z.uuid(), status: finalSessionStatusSchema, deleted: z.literal(true) })
  .meta({ id: 'DeleteSessionResult' });
export type SessionEndedView = z.infer<typeof sessionEndedSchema>;

@Controller('v1/sessions')
@UseGuards(ApiKeyGuard)
export class SessionsController {
  constructor(
    private readonly presenter: SessionPresenter,
    @Inject(SESSION_RPC) private readonly sessions: SessionRpcClient,
  ) {}

  @Get(':sessionId')
  async get(@TenantId() tenantId: string, @Param('sessionId', IdPipe) sessionId: string): Promise<SessionView> {
    const session = await this.sessions.call(SessionRpc.GetSession, { tenantId, sessionId });
    return this.presenter.present(session);
  }

  /** Idempotent: a session that already ended answers with its final status. */
  @Delete(':sessionId')
  async close(@TenantId() tenantId: string, @Param('sessionId', IdPipe) sessionId: string): Promise<SessionEndedView> {
    const result = await this.sessions.call(SessionRpc.CloseSession, {
      tenantId,
      sessionId,
      reason: 'deleted_by_api',
    });
    return { session_id: result.sessionId, status: result.status, deleted: true };
  }
}
