import { z } from 'zod';
import { jsonReply, type RouteDoc } from '../docs/route-doc';
import { pathIdSchema } from '../http/id.pipe';
import { sessionViewSchema } from '../opens/session-presenter';
import { sessionEndedSchema } from './sessions.controller';

const sessionId = z.object({ session_id: pathIdSchema('session') });

/** The tenant's session routes (SessionsController). */
export const sessionRoutes: RouteDoc[] = [
  {
    method: 'get',
    path: '/v1/sessions/{session_id}',
    operationId: 'getSession',
    tag: 'sessions',
    auth: 'tenant',
    summary: 'The Session object',
    params: sessionId,
    replies: { 200: jsonReply('The session.', sessionViewSchema) },
    errors: ['not_found'],
  },
  {
    method: 'delete',
    path: '/v1/sessions/{session_id}',
    operationId: 'deleteSession',
    tag: 'sessions',
    auth: 'tenant',
    summary: 'End the session (closed, deleted_by_api); idempotent',
    params: sessionId,
    replies: { 200: jsonReply('Ended (a final session answers the same).', sessionEndedSchema) },
    errors: ['not_found'],
  },
];
