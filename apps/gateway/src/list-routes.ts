import 'reflect-metadata';
import { loadConfig } from '@docsession/platform';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { GatewayAppModule } from './gateway-app.module';
import { configureGateway, gatewayServerOptions } from './gateway-http';

/**
 * `node apps/gateway/dist/list-routes.js`: builds the gateway exactly as it starts (its
 * module, connections and HTTP set-up) without listening, and prints every route Fastify
 * registers for it as a JSON array of `METHOD /path`. What a reverse proxy must pass on;
 * the route test compares it with the OpenAPI document.
 */
async function listRoutes(): Promise<string[]> {
  const config = loadConfig();
  const app = await NestFactory.create<NestFastifyApplication>(
    GatewayAppModule,
    new FastifyAdapter(gatewayServerOptions(config)),
    { logger: false },
  );
  const routes = new Set<string>();
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.add(`${method} ${route.url}`);
  });
  try {
    await configureGateway(app, config);
    await app.init();
    await fastify.ready();
  } finally {
    await app.close();
  }
  return [...routes];
}

listRoutes().then(
  // Exits at once: a client the app closed may still hold a socket for a moment.
  (routes) => process.stdout.write(`${JSON.stringify(routes, null, 2)}\n`, () => process.exit(0)),
  (err: Error) => {
    process.stderr.write(`${err.stack ?? err.message}\n`);
    process.exit(1);
  },
);
