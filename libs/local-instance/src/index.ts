/**
 * @docsession/local-instance — runs docsession's services as local processes: for
 * `npm start`, and, in a throwaway namespace of their own, for the e2e tests and the
 * benchmarks.
 */
export * from './cleanup';
export * from './eventually';
export * from './isolated-environment';
export * from './local-system';
export * from './s3-server';
