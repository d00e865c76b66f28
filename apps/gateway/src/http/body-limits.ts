import type { AppConfig } from '@docsession/platform';
import type { FastifyInstance } from 'fastify';

/** Every parsed body but the JSON open's: options, admin requests, joins (API.md "Limits"). */
export const JSON_BODY_LIMIT = 64 * 1024;
/** The session page's heartbeat and close beacon carry nothing worth more. */
export const BEACON_BODY_LIMIT = 1024;

/** A JSON open carries the document in base64 (4/3 of its bytes), plus room for the options around it. */
export function jsonOpenBodyLimit(config: Pick<AppConfig, 'MAX_UPLOAD_BYTES'>): number {
  return Math.ceil((config.MAX_UPLOAD_BYTES * 4) / 3) + JSON_BODY_LIMIT;
}

/**
 * The body limit of a route that parses its body, by method and path; undefined leaves the
 * server's (JSON_BODY_LIMIT). Multipart uploads, saves and WOPI PutFile stream their bodies
 * and are limited where they are stored (MAX_UPLOAD_BYTES).
 */
export function bodyLimitOf(method: string, url: string, config: Pick<AppConfig, 'MAX_UPLOAD_BYTES'>) {
  if (method !== 'POST') return undefined;
  if (url === '/v1/documents') return jsonOpenBodyLimit(config);
  if (url === '/s/:token/heartbeat' || url === '/s/:token/close') return BEACON_BODY_LIMIT;
  return undefined;
}

/** Sets each route's body limit as it is registered: before any route is. */
export function registerBodyLimits(fastify: FastifyInstance, config: Pick<AppConfig, 'MAX_UPLOAD_BYTES'>): void {
  fastify.addHook('onRoute', (route) => {
    if (route.bodyLimit !== undefined) return; // a scope that chose its own
    const methods = [route.method].flat();
    const limit = methods.map((m) => bodyLimitOf(m, route.url, config)).find((l) => l !== undefined);
    if (limit !== undefined) route.bodyLimit = limit;
  });
}
