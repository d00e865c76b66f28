import { DomainError, ErrorCode } from '@docsession/contracts';
import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  HookHandlerDoneFunction,
  onRequestHookHandler,
} from 'fastify';
import { SessionTokens } from '../opens/session-tokens';
import type { AdminGuard } from './admin.guard';
import { authenticate } from './api-key.guard';
import { credentialOf, type RouteCredential } from './route-credentials';
import { presentedCredential } from './tenant';
import type { VerifiedKeys } from './verified-keys';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set for every route when it is registered (see registerAuthentication). */
    credential?: RouteCredential;
  }
}

/**
 * Authentication as the first step of a request, before Fastify reads any of its body
 * (API.md "Limits"): a request without valid credentials is refused on its headers, so an
 * unauthenticated 20 MB upload costs the gateway its headers and nothing more. It runs as
 * an onRequest hook of its own, so that other onRequest steps (rate limits) compose with it.
 * The controllers' guards stay, and find the tenant already set.
 */
export function authenticateBeforeBody(keys: VerifiedKeys, admin: AdminGuard): onRequestHookHandler {
  // A callback hook: most routes need nothing here, and an async hook costs a promise on each.
  return function authenticateBeforeBody(req: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) {
    try {
      switch (req.routeOptions.config?.credential) {
        case 'api-key': {
          const key = presentedCredential(req);
          if (!key)
            throw new DomainError(ErrorCode.Unauthorized, 'Missing API key: send Authorization: Bearer <api_key>.');
          authenticate(keys, req, key).then(() => done(), done);
          return;
        }
        case 'admin-token':
          admin.check(req);
          break;
        case 'session-token':
          // Liveness is the route's own first step (a beacon is its one RPC; a save looks up
          // the session before its body, see save-route.ts); a string that is no token is refused here.
          if (!SessionTokens.looksValid(String((req.params as { token?: unknown }).token))) {
            throw new DomainError(ErrorCode.NotFound, 'No such session.');
          }
          break;
      }
      done();
    } catch (err) {
      done(err as Error);
    }
  };
}

/**
 * Tags every route with the credential it needs as it is registered, and adds the hook.
 * Call before any route or route scope is registered, so that every one of them gets both.
 */
export function registerAuthentication(fastify: FastifyInstance, keys: VerifiedKeys, admin: AdminGuard): void {
  fastify.addHook('onRoute', (route) => {
    route.config = { ...route.config, credential: credentialOf(route.url) };
  });
  fastify.addHook('onRequest', authenticateBeforeBody(keys, admin));
}
