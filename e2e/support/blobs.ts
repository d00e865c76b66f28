import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { e2eState } from './state';

/** Whether a document's content is on disk, where the local blob store keeps it. */
export function blobExists(documentId: string): boolean {
  return existsSync(join(e2eState().dataDir, 'blobs', documentId.slice(0, 2), documentId));
}
