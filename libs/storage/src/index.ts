/**
 * @docsession/storage — the blob store holding an uploaded document's bytes while the document is
 * live. BlobStore is the contract (an S3 backend may follow); LocalBlobStore keeps them under DATA_DIR.
 */
export type { BlobStore, StoredBlob } from './blob-store';
export { BlobTooLargeError } from './blob-store';
export { LocalBlobStore } from './local-blob-store';
