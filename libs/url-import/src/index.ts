export { UrlImportError, type UrlImportFailure } from './errors';
export { isBlockedAddress } from './address-policy';
export { openUrl, type ImportedResponse, type UrlImportOptions } from './open-url';
