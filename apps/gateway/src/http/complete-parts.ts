import { DomainError, ErrorCode } from '@docsession/contracts';
import type { Multipart } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';

const BOUNDARY = /;\s*boundary=(?:"([^"]+)"|([^\s;]+))/i;

const truncated = () =>
  new DomainError(
    ErrorCode.InvalidRequest,
    'The multipart body is malformed or truncated: it has no closing boundary.',
  );

/**
 * Whether the bytes passing by contain a multipart body's closing delimiter (`--boundary--`),
 * also when it straddles two chunks. Searches each chunk in place; copies only a few bytes.
 */
class ClosingDelimiterWatch {
  seen = false;
  private tail = Buffer.alloc(0);

  constructor(private readonly delimiter: Buffer) {}

  readonly onData = (chunk: Buffer): void => {
    if (this.seen) return;
    const keep = this.delimiter.length - 1;
    const seam = Buffer.concat([this.tail, chunk.subarray(0, keep)]);
    this.seen = seam.includes(this.delimiter) || chunk.includes(this.delimiter);
    const joined = chunk.length >= keep ? chunk.subarray(chunk.length - keep) : Buffer.concat([this.tail, chunk]);
    this.tail = Buffer.from(joined.subarray(Math.max(0, joined.length - keep)));
  };
}

/** Whether an upload's stream stopped without its end: the body ended inside it, or the client went away. */
export function endedEarly(file: Readable): boolean {
  return file.destroyed && !file.readableEnded;
}

/** The 400 of a multipart body that ends too soon. */
export { truncated as truncatedMultipart };

/**
 * `req.parts()`, except that a body that ends before its closing boundary is a 400 at once
 * instead of a request that hangs. @fastify/multipart 9 ends its iteration silently on such a
 * body, and when the body had arrived whole before the parts were read (the open path reads
 * them after its quota check), the last file part's "terminated early" error is emitted before
 * anyone listens, and its stream never ends: whoever reads it waits for ever. So the framing is
 * checked here, on the raw bytes as they pass to the parser; when the body has ended without
 * its closing delimiter, the part being read fails with the 400, and so does the iteration.
 */
export async function* completeParts(req: FastifyRequest): AsyncGenerator<Multipart> {
  const boundary = BOUNDARY.exec(req.headers['content-type'] ?? '');
  if (!boundary) throw truncated();
  const watch = new ClosingDelimiterWatch(Buffer.from(`--${boundary[1] ?? boundary[2]}--`));
  let reading: Readable | null = null;
  // After 'end' the parser has every byte; one more turn lets it hand out what it makes of them.
  const onEnd = () =>
    setImmediate(() => {
      if (!watch.seen && reading && !reading.readableEnded) reading.destroy(truncated());
    });
  // Listening before req.parts() pipes the body: the stream starts flowing only on the next tick.
  req.raw.on('data', watch.onData);
  req.raw.once('end', onEnd);
  try {
    for await (const part of req.parts()) {
      // Destroyed before anyone read it: the parser gave up on a body that ended inside this part.
      if (part.type === 'file' && endedEarly(part.file)) throw truncated();
      reading = part.type === 'file' ? part.file : null;
      yield part;
    }
    if (!watch.seen) throw truncated();
  } finally {
    req.raw.off('data', watch.onData);
    req.raw.off('end', onEnd);
  }
}
