/**
 * @docsession/platform — the pieces every service is built on: validated
 * configuration, PostgreSQL/Redis/RabbitMQ connections, the event bus conventions
 * (confirmed publishes, manual acks), probes, metrics, logging and start-up.
 */
export * from './admin-credential';
export * from './bootstrap';
export * from './bus';
export * from './config';
export * from './database';
export * from './dead-letters';
export * from './draining';
export * from './event-consumer';
export * from './http-metrics';
export * from './logging';
export * from './lua-script';
export * from './metrics';
export * from './metrics-server';
export * from './micro-batcher';
export * from './names';
export * from './outage';
export * from './platform.module';
export * from './probes.controller';
export * from './queue-depths';
export * from './queue-errors';
export * from './redis';
export * from './request-context';
export * from './rpc';
export * from './rpc-exception.filter';
export * from './secrets';
export * from './shutdown';
