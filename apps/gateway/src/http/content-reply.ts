import { DomainError, ErrorCode, type ContentLocation, type VersionContent } from '@docsession/contracts';
import type { BlobStore } from '@docsession/storage';
import { StreamableFile } from '@nestjs/common';

type Disposition = 'attachment' | 'inline';

/**
 * A document's bytes as a download. The blob can vanish between the lookup and the
 * read (its last session just ended): that is the same 410 as a purged document.
 */
export function contentReply(
  blobs: BlobStore,
  location: ContentLocation,
  disposition: Disposition = 'attachment',
): Promise<StreamableFile> {
  return blobReply(blobs, location.documentId, location, disposition, () => {
    return new DomainError(ErrorCode.Gone, 'The document content was removed.');
  });
}

/**
 * A saved version's bytes as a download. Its blob can vanish between the lookup and the read
 * (a save just dropped it past VERSIONS_KEPT): then it is a version that no longer exists.
 */
export function versionReply(blobs: BlobStore, version: VersionContent): Promise<StreamableFile> {
  return blobReply(blobs, version.blobKey, version, 'attachment', () => {
    return new DomainError(ErrorCode.NotFound, 'No such version.');
  });
}

async function blobReply(
  blobs: BlobStore,
  key: string,
  file: { name: string; contentType: string; sizeBytes: number },
  disposition: Disposition,
  missing: () => DomainError,
): Promise<StreamableFile> {
  const stream = await blobs.read(key);
  if (!stream) throw missing();
  return new StreamableFile(stream, {
    type: file.contentType,
    length: file.sizeBytes,
    disposition: `${disposition}; filename*=UTF-8''${encodeURIComponent(file.name)}`,
  });
}
