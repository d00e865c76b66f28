export { UrlImportError, type UrlImportFailure } from './errors';
export { ALLOW_ALL, isBlockedAddress, isBlockedHostname, PUBLIC_ONLY, type AddressPolicy } from './address-policy';
// For other requests to user-named URLs (webhooks): the same address checks as imports.
export { guardedLookup } from './guarded-lookup';
export { validateTarget } from './target';
export { openUrl, type ImportedResponse, type UrlImportOptions } from './open-url';
