import type { Multipart } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { completeParts } from './complete-parts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Multipart parts a guard read before the handler, and the iterator the rest comes from. */
    partsReadAhead?: { parts: Multipart[]; rest: AsyncIterator<Multipart> };
  }
}

/**
 * Reads a multipart request's parts up to the first one `stop` accepts, before the
 * handler reads the body (a credential sent as a form field). The parts read stay
 * available, in order, to `partsOf`. Answers the part it stopped at (a file part is left
 * unread), or null when the body ended first. Only text parts are passed over, and those
 * are bounded by the multipart limits (fields, fieldSize).
 */
export async function readPartsUntil(
  req: FastifyRequest,
  stop: (part: Multipart) => boolean,
): Promise<Multipart | null> {
  const rest = completeParts(req)[Symbol.asyncIterator]();
  const parts: Multipart[] = [];
  req.partsReadAhead = { parts, rest };
  for (;;) {
    const next = await rest.next();
    if (next.done) return null;
    parts.push(next.value);
    if (stop(next.value)) return next.value;
  }
}

/**
 * Every part of a multipart request, from the first: those read ahead, then the rest of the
 * body; a body without its closing boundary fails with a 400 (see completeParts).
 */
export async function* partsOf(req: FastifyRequest): AsyncGenerator<Multipart> {
  const ahead = req.partsReadAhead;
  if (!ahead) {
    yield* completeParts(req);
    return;
  }
  // Read once, as the body is.
  req.partsReadAhead = { parts: [], rest: ahead.rest };
  yield* ahead.parts;
  for (let next = await ahead.rest.next(); !next.done; next = await ahead.rest.next()) yield next.value;
}
