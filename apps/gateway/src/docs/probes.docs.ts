import { healthSchema, readinessSchema } from '@docsession/platform';
import { z } from 'zod';
import { jsonReply, type RouteDoc } from './route-doc';

/** The probes every service answers (ProbesController of @docsession/platform), and the gateway's queue dashboard. */
export const probeRoutes: RouteDoc[] = [
  {
    method: 'get',
    path: '/healthz',
    operationId: 'healthz',
    tag: 'probes',
    auth: 'none',
    summary: 'Process up',
    replies: { 200: jsonReply('Up.', healthSchema) },
  },
  {
    method: 'get',
    path: '/readyz',
    operationId: 'readyz',
    tag: 'probes',
    auth: 'none',
    summary: 'Its PostgreSQL, Redis and broker connections work',
    replies: {
      200: jsonReply('Ready.', readinessSchema),
      503: jsonReply('A connection is down.', readinessSchema),
    },
  },
  {
    method: 'get',
    path: '/metrics',
    operationId: 'metrics',
    tag: 'probes',
    auth: 'operator',
    summary: 'Prometheus metrics',
    description:
      'On the gateway only with the admin token (Bearer, or Basic with the token as password); without it on ' +
      '`METRICS_PORT` when that is set. The other services serve it on their probe port without a token. Series: ' +
      '`docsession_http_request_duration_seconds` (method, route, status), `docsession_opens_total` (result), ' +
      '`docsession_billable_calls_total`, `docsession_sessions_ended_total` (reason), ' +
      '`docsession_content_removal_lag_seconds`, `docsession_queue_jobs` (queue, state; from the workers), ' +
      '`docsession_dead_letters_total` (event), and the process defaults, all labelled `service`.',
    replies: { 200: { description: 'Prometheus text exposition format.', content: { 'text/plain': z.string() } } },
  },
  {
    method: 'get',
    path: '/admin/queues',
    operationId: 'queueDashboard',
    tag: 'probes',
    auth: 'dashboard',
    summary: 'Bull Board: every BullMQ queue and its jobs',
    description:
      'The queue dashboard for operators (its pages, API and files live under `/admin/queues/`). ' +
      'Without the token it answers 401 with `WWW-Authenticate: Basic`, so a browser asks for it ' +
      '(any user name, the admin token as the password).',
    replies: { 200: { description: 'The dashboard page.', content: { 'text/html': z.string() } } },
  },
];
