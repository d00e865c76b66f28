import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';

declare module 'fastify' {
  interface FastifyRequest {
    /** The JSON open's body, unread: its intake decodes content_base64 as it streams (see JsonOpenBody). */
    jsonBodyStream?: Readable;
  }
}

const JSON_TYPE = /^application\/json\s*(?:;|$)/i;

/** Whether a request is a JSON open, whose body its intake reads as a stream. */
export function streamsJsonBody(req: FastifyRequest): boolean {
  return (
    req.method === 'POST' &&
    req.routeOptions.url === '/v1/documents' &&
    JSON_TYPE.test(req.headers['content-type'] ?? '')
  );
}

/**
 * Keeps the JSON open's body out of the JSON parser: parsed whole, a 50 MB document would be
 * held as the raw body, the parsed string and the decoded bytes at once, several times over.
 * A preParsing step (Fastify's place for replacing the payload stream) sets the real stream
 * aside for the intake and hands the parser an empty object instead. The parser still checks
 * the declared Content-Length against the route's body limit first; `receivedEncodedLength`
 * tells it the length the placeholder stands for.
 */
export function registerStreamedJsonBodies(fastify: FastifyInstance): void {
  fastify.addHook('preParsing', (req, _reply, payload, done) => {
    if (!streamsJsonBody(req)) return done(null, payload);
    req.jsonBodyStream = payload;
    const placeholder = Readable.from([Buffer.from('{}')]) as Readable & { receivedEncodedLength?: number };
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared)) placeholder.receivedEncodedLength = declared;
    done(null, placeholder);
  });
}
