import { parseConfig } from '@docsession/platform';
import { blobStoreFor, type BlobStore } from '@docsession/storage';
import { e2eState } from './state';

/**
 * The blob store of the instance `env` describes, as its services see it — a directory or a
 * bucket — so that tests look at blobs the way the product keeps them. Close an S3 one after use.
 */
export function instanceBlobStore(env: NodeJS.ProcessEnv): ReturnType<typeof blobStoreFor> {
  return blobStoreFor(parseConfig(env));
}

let shared: BlobStore | undefined;
const sharedStore = () => (shared ??= instanceBlobStore(e2eState().env));

/** Whether a document's content is in the shared e2e system's blob store. */
export function blobExists(documentId: string): Promise<boolean> {
  return sharedStore().exists(documentId);
}

/** Every key in the shared e2e system's blob store, leftovers of interrupted writes included, sorted. */
export async function storedBlobKeys(): Promise<string[]> {
  const keys: string[] = [];
  for await (const blob of sharedStore().list()) keys.push(blob.key);
  return keys.sort();
}
