/**
 * @docsession/tenancy — tenants and their API keys (schema `tenancy`): creation,
 * authentication, revocation. Keys are shown once and stored only as hashes.
 */
export * from './credentials';
export * from './key-revocations';
export * from './migrations';
export * from './tenancy.service';
export * from './webhook-signature';
