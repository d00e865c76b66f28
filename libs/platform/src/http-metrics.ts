import type { FastifyInstance } from 'fastify';
import { httpRequestDuration } from './metrics';

/**
 * Times every answered request into docsession_http_request_duration_seconds: one
 * observation in `onResponse` (after the answer went out), labelled with the route's
 * template, so that ids in paths never become label values. Fastify already keeps the
 * start time (reply.elapsedTime); nothing else runs per request.
 */
export function observeRequestDurations(fastify: FastifyInstance): void {
  fastify.addHook('onResponse', (req, reply, done) => {
    httpRequestDuration.observe(
      { method: req.method, route: req.routeOptions.url ?? 'unmatched', status: reply.statusCode },
      reply.elapsedTime / 1000,
    );
    done();
  });
}
