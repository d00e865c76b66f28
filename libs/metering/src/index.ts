/**
 * @docsession/metering — the metering context (schema `metering`): the ledger of
 * billable calls, per-period counters, plans and usage status.
 */
export * from './metering.module';
export * from './migrations';
export * from './periods';
export * from './usage-ledger';
export * from './usage-status';
