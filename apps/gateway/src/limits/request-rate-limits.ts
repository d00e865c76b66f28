import { REDIS, redisPrefix, type AppConfig } from '@docsession/platform';
import { sha256Hex } from '@docsession/tenancy';
import rateLimit, { normalizeIP } from '@fastify/rate-limit';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { presentedCredential } from '../auth/tenant';
import { VerifiedKeys } from '../auth/verified-keys';
import { addressSubject, budgetOfSubject, keySubject, rateBudgets, type RateBudgets } from './rate-budgets';
import { sendRateLimited, setRateHeaders } from './rate-limit-replies';
import { scopeOfRoute, zohoProductOfRoute } from './rate-limit-scope';

declare module 'fastify' {
  interface FastifyRequest {
    /** Whose budget the limiter is counting the request against (see rate-budgets.ts). */
    rateLimitSubject: string;
  }
}

/** Counts a request against its `rateLimitSubject`: @fastify/rate-limit's limiter over its Redis store. */
type CountRequest = ReturnType<FastifyInstance['createRateLimit']>;

const logger = new Logger('RateLimits');
/** One warning a minute at most while Redis is away. */
const WARN_EVERY_MS = 60_000;

/**
 * API.md's limits: per API key, and per client address for requests without one, counted
 * in Redis so that every gateway of the instance spends the same budget. Runs as the first
 * onRequest hook, before authentication and before any body is read, so that a limited
 * request costs one Redis round trip and nothing else: it is never stored nor billed.
 */
export async function registerRateLimits(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  const budgets = rateBudgets(config);
  if (!budgets.key && !budgets.address) return;
  const fastify = app.getHttpAdapter().getInstance();
  fastify.decorateRequest('rateLimitSubject', '');
  await app.register(rateLimit, {
    global: false,
    redis: app.get<Redis>(REDIS),
    nameSpace: `${redisPrefix(config)}:rate-limit:`,
    keyGenerator: (req: FastifyRequest) => req.rateLimitSubject,
    max: (_req: FastifyRequest, subject: string) => budgetOfSubject(budgets, subject).max,
    timeWindow: (_req: FastifyRequest, subject: string) => budgetOfSubject(budgets, subject).windowMs,
  });
  fastify.addHook('onRequest', rateLimitHook(fastify.createRateLimit(), budgets, app.get(VerifiedKeys)));
}

/**
 * The hook, a named function of its own so that other onRequest hooks (authentication
 * before the body) compose with it; it must come first for the address limit to shield
 * the key lookup.
 */
export function rateLimitHook(count: CountRequest, budgets: RateBudgets, keys: VerifiedKeys) {
  let warnedAt = 0;

  /** Counts the request against `subject`; false once it has answered 429. */
  async function spend(req: FastifyRequest, reply: FastifyReply, subject: string): Promise<boolean> {
    if (!(subject.startsWith('k:') ? budgets.key : budgets.address)) return true;
    req.rateLimitSubject = subject;
    let counted: Awaited<ReturnType<CountRequest>>;
    try {
      counted = await count(req);
    } catch (err) {
      // Redis is down: the limiter lets requests through rather than turning into an outage of
      // its own (whatever needs Redis on the route answers 503 by itself).
      if (Date.now() - warnedAt > WARN_EVERY_MS) {
        warnedAt = Date.now();
        logger.warn(`Rate limits not counted: ${(err as Error).message}`);
      }
      return true;
    }
    if (counted.isAllowed) return true;
    const rate = { max: counted.max, remaining: counted.remaining, resetSeconds: Math.max(1, counted.ttlInSeconds) };
    setRateHeaders(reply, rate);
    if (!counted.isExceeded) return true;
    sendRateLimited(reply, rate, zohoProductOfRoute(req.routeOptions.url ?? ''));
    return false;
  }

  /** Whether an API key is one (a lookup the guard then finds cached); false also when it cannot be checked. */
  async function verifies(apiKey: string): Promise<boolean> {
    try {
      return (await keys.tenantOf(apiKey)) !== null;
    } catch {
      return false; // the guard answers 503
    }
  }

  return async function limitRequestRate(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | void> {
    const scope = scopeOfRoute(req.routeOptions.url);
    if (scope === 'none') return;
    const address = addressSubject(normalizeIP(req.ip));
    const apiKey = scope === 'apiKey' ? presentedCredential(req) : scope === 'zohoApiKey' ? zohoApiKeyOf(req) : null;
    if (!apiKey) return (await spend(req, reply, address)) ? undefined : reply;
    const keyHash = sha256Hex(apiKey);
    if (!keys.isVerified(keyHash)) {
      // Not verified by this gateway lately: until it is, the request spends its address's
      // budget, so that a flood of made-up keys is limited before each costs a key lookup.
      if (!(await spend(req, reply, address))) return reply;
      if (!(await verifies(apiKey))) return; // unauthenticated: the guard answers 401
    }
    return (await spend(req, reply, keySubject(keyHash))) ? undefined : reply;
  };
}

/** The `apikey` query parameter of a Zoho route; anything but one string is the guard's to refuse. */
function zohoApiKeyOf(req: FastifyRequest): string | null {
  const value = (req.query as Record<string, unknown> | undefined)?.apikey;
  return typeof value === 'string' && value ? value : null;
}
