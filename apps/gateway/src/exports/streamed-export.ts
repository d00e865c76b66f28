import { StreamableFile } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import type { ExportSlots } from './export-slots';

/**
 * Opens an export in a slot and hands its stream to the client. Failing to open (the
 * database is down) is a 503 before any byte is sent; a failure mid-stream aborts the
 * connection, so a client never mistakes a cut-short export for a complete one.
 *
 * What the export holds (its slot, and the cursor, transaction and connection behind
 * the stream) goes back however the exchange ends: at the end of the rows, on an error,
 * when the response closes early (the client went away, before or while it streamed),
 * for a HEAD (the headers are the GET's, no row is read), and when the client stops
 * reading for the slots' idle timeout.
 */
export async function streamedExport(
  slots: ExportSlots,
  exchange: { request: FastifyRequest; reply: FastifyReply },
  open: () => Promise<Readable>,
  headers: { type: string; filename: string },
): Promise<StreamableFile> {
  const slot = slots.acquire();
  let source: Readable;
  try {
    source = await open();
  } catch (err) {
    slot.release();
    throw err;
  }
  const file = (stream: Readable) =>
    new StreamableFile(stream, { type: headers.type, disposition: `attachment; filename="${headers.filename}"` });
  const response = exchange.reply.raw;
  if (exchange.request.method === 'HEAD' || response.destroyed || exchange.request.raw.socket?.destroyed) {
    source.once('close', () => slot.release());
    source.destroy();
    return file(Readable.from([]));
  }
  const stream: Readable = Readable.from(
    whileRead(source, slots.idleTimeoutMs, () =>
      stream.destroy(new Error(`The export's reader read nothing for ${slots.idleTimeoutMs} ms.`)),
    ),
    { objectMode: false },
  );
  stream.once('close', () => slot.release());
  response.once('close', () => stream.destroy());
  return file(stream);
}

/**
 * The source's chunks, each pulled only when the reader wants more. A chunk nobody takes
 * within `idleMs` (the client stopped reading, its socket buffers are full) calls
 * `onIdle`; destroying the stream ends this loop, and leaving the loop destroys the source.
 */
async function* whileRead(source: Readable, idleMs: number, onIdle: () => void): AsyncGenerator<Buffer | string> {
  for await (const chunk of source) {
    const timer = setTimeout(onIdle, idleMs);
    try {
      yield chunk as Buffer | string;
    } finally {
      clearTimeout(timer);
    }
  }
}
