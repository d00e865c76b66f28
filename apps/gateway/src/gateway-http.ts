import multipart from '@fastify/multipart';
import { REQUEST_ID_HEADER, requestIdFrom, withRequestId, type AppConfig } from '@docsession/platform';
import { SwaggerModule } from '@nestjs/swagger';
import type { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { registerQueueDashboard } from './admin/queue-dashboard';
import { GATEWAY_ROUTES } from './docs/gateway-routes';
import { generateOpenApi } from './docs/openapi-document';
import { AdminGuard } from './auth/admin.guard';
import { registerAuthentication } from './auth/authenticate-before-body';
import { VerifiedKeys } from './auth/verified-keys';
import { JSON_BODY_LIMIT, registerBodyLimits } from './http/body-limits';
import { ContractErrorFilter } from './http/error.filter';
import { registerStreamedJsonBodies } from './http/streamed-json';
import { registerRateLimits } from './limits/request-rate-limits';
import { registerSaveRoute } from './page/save-route';
import { registerWopiRoutes } from './wopi/wopi-routes';

/**
 * The gateway's HTTP server options, from the validated configuration: the default body
 * limit (routes that need more say so, see body-limits.ts) and the times a client gets.
 */
export const gatewayServerOptions = (c: AppConfig): ConstructorParameters<typeof FastifyAdapter>[0] => {
  const requestTimeout = c.REQUEST_TIMEOUT_SECONDS * 1000;
  const headersTimeout = c.HEADERS_TIMEOUT_SECONDS * 1000;
  return {
    bodyLimit: JSON_BODY_LIMIT,
    // Whose X-Forwarded-For names the client (per-address limits, logs): only the listed proxies'.
    trustProxy: c.TRUST_PROXY.length ? c.TRUST_PROXY : false,
    // request.id: the client's X-Request-Id when acceptable (API.md), else a new UUID.
    requestIdHeader: false,
    genReqId: (req) => requestIdFrom(req.headers[REQUEST_ID_HEADER]),
    requestTimeout,
    keepAliveTimeout: c.KEEP_ALIVE_TIMEOUT_SECONDS * 1000,
    maxRequestsPerSocket: c.KEEP_ALIVE_MAX_REQUESTS,
    http: {
      requestTimeout,
      headersTimeout,
      // Node enforces both timeouts by sweeping its connections at this interval (30 s by default):
      // a quarter of the shorter one (the headers') cuts a slow client off close to its deadline.
      connectionsCheckingInterval: Math.min(30_000, Math.max(250, headersTimeout / 4)),
    },
  };
};

/**
 * Everything the gateway's HTTP app gets besides its controllers: body parsing, headers,
 * the error envelope, the routes registered on Fastify directly, and the document.
 * Also run by the route test, so that it sees every route the gateway registers.
 */
export async function configureGateway(app: NestFastifyApplication, c: AppConfig): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  // First of all: everything the request causes (log lines, events, jobs) runs as part of it.
  fastify.addHook('onRequest', (req, _reply, done) => withRequestId(req.id, done));
  // First of the onRequest hooks: a limited request costs nothing more (see request-rate-limits.ts).
  await registerRateLimits(app, c);
  // Then authentication, still before any body is read; and every route registered after this
  // gets its body limit and credential (registered before the routes).
  registerBodyLimits(fastify, c);
  registerAuthentication(fastify, app.get(VerifiedKeys), app.get(AdminGuard));
  registerStreamedJsonBodies(fastify);
  await app.register(multipart, {
    // One byte over the limit, so the blob store sees the overflow and refuses it. A Zoho
    // create has up to ten text parts (its JSON parameters, url, apikey, lang); every
    // intake still refuses a part it does not know as soon as it sees it.
    limits: { fileSize: c.MAX_UPLOAD_BYTES + 1, files: 1, fields: 12, fieldSize: 64 * 1024, parts: 13 },
  });
  // API answers describe state that changes at any moment: never cache them.
  // A callback hook: an async one costs a promise per request.
  fastify.addHook('onSend', (req, reply, payload, done) => {
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    reply.header(REQUEST_ID_HEADER, req.id);
    done(null, payload);
  });
  app.useGlobalFilters(new ContractErrorFilter());
  registerSaveRoute(app, c);
  registerWopiRoutes(app);
  await registerQueueDashboard(app, c);
  SwaggerModule.setup('docs', app, generateOpenApi(GATEWAY_ROUTES, c.PUBLIC_URL).document, {
    jsonDocumentUrl: 'docs-json',
  });
}
