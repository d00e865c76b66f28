/**
 * @docsession/storage — the blob store holding an uploaded document's bytes while the document is
 * live. BlobStore is the contract; LocalBlobStore keeps them under DATA_DIR, S3BlobStore in an
 * S3-compatible bucket; BlobStoreModule provides the one the settings (BLOB_STORE) name.
 */
export type { BlobStore, ListedBlob, StoredBlob } from './blob-store';
export { BlobNotFoundError, BlobTooLargeError } from './blob-store';
export { BLOB_STORE, BlobStoreModule, blobStoreFor, type BlobStoreSettings } from './blob-store.module';
export { LocalBlobStore } from './local-blob-store';
export { S3BlobStore, type S3Settings } from './s3-blob-store';
