import { DomainError, ErrorCode, type ContentLocation } from '@docsession/contracts';
import type { BlobStore } from '@docsession/storage';
import { StreamableFile } from '@nestjs/common';

/**
 * A document's bytes as a download. The blob can vanish between the lookup and the
 * read (its last session just ended): that is the same 410 as a purged document.
 */
export async function contentReply(
  blobs: BlobStore,
  location: ContentLocation,
  disposition: 'attachment' | 'inline' = 'attachment',
): Promise<StreamableFile> {
  const stream = await blobs.read(location.documentId);
  if (!stream) throw new DomainError(ErrorCode.Gone, 'The document content was removed.');
  return new StreamableFile(stream, {
    type: location.contentType,
    length: location.sizeBytes,
    disposition: `${disposition}; filename*=UTF-8''${encodeURIComponent(location.name)}`,
  });
}
