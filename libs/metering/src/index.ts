/**
 * @docsession/metering — the metering context (schema `metering`): the ledger of
 * billable calls, per-period counters, plans, usage status and alerts, the gateways'
 * quota reservations (Redis), and the exports and reconciliation of the ledger.
 */
export * from './alert-webhook-queue';
export * from './billing-statement';
export * from './counter-reconciliation';
export * from './export-formats';
export * from './ledger-export';
export * from './metering.module';
export * from './migrations';
export * from './periods';
export * from './plan-book';
export * from './quota-reservations';
export * from './usage-alerts';
export * from './usage-ledger';
export * from './usage-status';
