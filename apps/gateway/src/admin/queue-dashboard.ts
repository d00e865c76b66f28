import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { DomainError, ErrorCode, JobQueue } from '@docsession/contracts';
import { AdminCredential, QueueHandles, REDIS, redisPrefix, type AppConfig } from '@docsession/platform';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Redis } from 'ioredis';
import { ADMIN_TOKEN } from '../auth/admin.guard';
import { sendError } from '../http/error.filter';

/** Where the dashboard is served (API.md "Operations"). */
export const QUEUE_DASHBOARD_PATH = '/admin/queues';

/**
 * Bull Board at /admin/queues: every BullMQ queue of the instance, its jobs by state, and the
 * operator's actions on them (retry, promote, remove). Behind the admin token as Bearer or as
 * the password of HTTP Basic, so that a browser's login prompt opens it (a 401 asks for Basic).
 * The check is a hook of the dashboard's own plugin: no other route pays for it.
 */
export async function registerQueueDashboard(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  const handles = new QueueHandles(Object.values(JobQueue), app.get<Redis>(REDIS), redisPrefix(config));
  const credential = new AdminCredential(app.get<string>(ADMIN_TOKEN));
  // Loaded here, not with this file: its static-file plugin pulls in ESM-only modules that
  // Node loads, but that tests importing the gateway's HTTP set-up (jest, CommonJS) cannot.
  const { FastifyAdapter } = await import('@bull-board/fastify');
  const board = new FastifyAdapter();
  board.setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({ queues: handles.queues.map((q) => new BullMQAdapter(q)), serverAdapter: board });

  const fastify = app.getHttpAdapter().getInstance();
  await fastify.register(async (scope) => {
    scope.addHook('onRequest', (req, reply, done) => {
      if (credential.matches(req.headers)) return done();
      reply.header('www-authenticate', 'Basic realm="docsession operator", charset="UTF-8"');
      sendError(reply, new DomainError(ErrorCode.Unauthorized, 'Missing or wrong admin token.'));
    });
    await scope.register(board.registerPlugin(), { prefix: QUEUE_DASHBOARD_PATH });
  });
  fastify.addHook('onClose', () => handles.onApplicationShutdown());
}
