import { Counter, Histogram } from 'prom-client';

/**
 * The product's own Prometheus series (API.md "Operations"), each defined once. Every series
 * also carries `service` (PlatformModule sets it as a default label). On the request path
 * they cost one increment or one observation each; what needs I/O (queue depths) is read
 * when /metrics is scraped (QueueDepths).
 */

/** Seconds from a request's arrival to its answer, by route template (never the raw URL). */
export const httpRequestDuration = new Histogram({
  name: 'docsession_http_request_duration_seconds',
  help: 'HTTP requests by method, route template and status: seconds until the answer was sent.',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
});

/** Outcome of every open (POST /v1/documents, joins, Zoho creates): `created`, `replayed`, or the error code. */
export const opensTotal = new Counter({
  name: 'docsession_opens_total',
  help: 'Open requests by result: created, replayed (Idempotency-Key), or the error code answered.',
  labelNames: ['result'] as const,
});

/** Billable calls the ledger recorded (a redelivered event counts nothing: the ledger decides). */
export const billableCallsTotal = new Counter({
  name: 'docsession_billable_calls_total',
  help: 'Billable calls recorded in the usage ledger.',
});

export const sessionsEndedTotal = new Counter({
  name: 'docsession_sessions_ended_total',
  help: 'Sessions that reached a final status, by close reason.',
  labelNames: ['reason'] as const,
});

/** From the end of a document's last session (its expires_at, for an expiry) to its content being deleted. */
export const contentRemovalLag = new Histogram({
  name: 'docsession_content_removal_lag_seconds',
  help: "Seconds from the end of a document's last session to the deletion of its content.",
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 3600, 21600],
});

export const deadLettersTotal = new Counter({
  name: 'docsession_dead_letters_total',
  help: 'Events given up and moved to the dead-letter queue, by event name.',
  labelNames: ['event'] as const,
});
