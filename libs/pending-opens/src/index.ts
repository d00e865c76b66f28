/**
 * @docsession/pending-opens — the hand-off that gives read-your-writes on the open
 * path: the gateway records an open before publishing it, the session service applies
 * it on demand until its consumer has stored it.
 */
export * from './pending-opens';
