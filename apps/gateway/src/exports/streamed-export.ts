import { StreamableFile } from '@nestjs/common';
import type { Readable } from 'node:stream';
import type { ExportSlots } from './export-slots';

/**
 * Opens an export in a slot and hands its stream to the client. Failing to open (the
 * database is down) is a 503 before any byte is sent; a failure mid-stream aborts the
 * connection, so a client never mistakes a cut-short export for a complete one.
 */
export async function streamedExport(
  slots: ExportSlots,
  open: () => Promise<Readable>,
  headers: { type: string; filename: string },
): Promise<StreamableFile> {
  const slot = slots.acquire();
  let stream: Readable;
  try {
    stream = await open();
  } catch (err) {
    slot.release();
    throw err;
  }
  stream.once('close', () => slot.release());
  return new StreamableFile(stream, {
    type: headers.type,
    disposition: `attachment; filename="${headers.filename}"`,
  });
}
