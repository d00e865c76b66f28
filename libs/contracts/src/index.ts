/**
 * @docsession/contracts — what the apps know about each other, and nothing else:
 * event names and payload schemas, RPC patterns and their messages, the error codes
 * of the HTTP contract.
 */
export * from './errors';
export * from './events';
export * from './jobs';
export * from './rpc';
export * from './rpc-map';
export * from './statuses';
export * from './callback-headers';
export * from './storable';
export * from './wopi';
