import { healthSchema, readinessSchema } from '@docsession/platform';
import { z } from 'zod';
import { jsonReply, type RouteDoc } from './route-doc';

/** The probes every service answers (ProbesController of @docsession/platform). */
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
    auth: 'none',
    summary: 'Prometheus metrics',
    replies: { 200: { description: 'Prometheus text exposition format.', content: { 'text/plain': z.string() } } },
  },
];
