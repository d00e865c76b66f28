import type { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { assertBusTopology, eventConsumerOptions } from './bus';
import { rmqServer } from './rmq-server';
import { rpcServerOptions } from './rpc';
import { ConfigError, loadConfig, type AppConfig } from './config';
import { observeRequestDurations } from './http-metrics';
import { createLogger } from './logging';
import { enableRequestContext } from './request-context';
import { serveMetrics } from './metrics-server';
import { drainOnSignals } from './shutdown';
import type { ServiceName } from './names';

export interface ServiceBootstrap {
  service: ServiceName;
  module: Type<unknown>;
  port: (config: AppConfig) => number;
  /** Consume events from the service's durable queue. */
  events?: boolean;
  /** Answer requests on the service's RPC queue. */
  rpc?: boolean;
  /** Extra set-up of the HTTP app before it listens (the gateway's routes, docs). */
  configure?: (app: NestFastifyApplication, config: AppConfig) => Promise<void> | void;
  /** A port of its own where /metrics is served without a token (the gateway's METRICS_PORT). */
  metricsPort?: (config: AppConfig) => number | undefined;
  /** Options of the HTTP server, from the validated configuration. */
  fastify?: (config: AppConfig) => ConstructorParameters<typeof FastifyAdapter>[0];
}

/**
 * Starts one service: its HTTP port (probes, and the API for the gateway), and the
 * broker transports it listens on. A bad configuration stops it with a clear message.
 */
export async function bootstrapService(spec: ServiceBootstrap): Promise<INestApplication> {
  try {
    return await start(spec);
  } catch (err) {
    // Settings, or what they ask of the service (a worker's WORKER_QUEUES), that cannot work.
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
}

async function start(spec: ServiceBootstrap): Promise<INestApplication> {
  const config = loadConfig();
  const logger = createLogger(config, spec.service);
  // Request ids in every log line need the request context; text logs do without its cost.
  enableRequestContext(config.LOG_FORMAT === 'json');
  await assertBusTopology(config);
  const app = await NestFactory.create<NestFastifyApplication>(
    spec.module,
    // While closing, a request still arriving on a kept-alive connection is answered (with
    // `Connection: close`), not refused with Fastify's own 503 body (see drainOnSignals).
    new FastifyAdapter({ ...spec.fastify?.(config), return503OnClosing: false }),
    {
      logger,
    },
  );
  observeRequestDurations(app.getHttpAdapter().getInstance());
  await spec.configure?.(app, config);
  if (spec.events)
    app.connectMicroservice(rmqServer(eventConsumerOptions(config, spec.service)), { inheritAppConfig: true });
  if (spec.rpc) app.connectMicroservice(rmqServer(rpcServerOptions(config, spec.service)), { inheritAppConfig: true });
  await app.startAllMicroservices();
  const port = spec.port(config);
  await app.listen(port, config.HOST);
  drainOnSignals(app, config, logger);
  logger.log(`${spec.service} listening on ${config.HOST}:${port}`);
  const metricsPort = spec.metricsPort?.(config);
  if (metricsPort) {
    // Never what keeps the process up: it goes with the process.
    (await serveMetrics(metricsPort, config.HOST)).unref();
    logger.log(`${spec.service} serving /metrics on ${config.HOST}:${metricsPort}`);
  }
  return app;
}
