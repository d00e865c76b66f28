import { DomainError, ErrorCode } from '@docsession/contracts';
import { Controller, Get, Header, Inject, Logger, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { register } from 'prom-client';
import { z } from 'zod';
import type { AdminCredential } from './admin-credential';
import { Draining } from './draining';

export const healthSchema = z.object({ status: z.literal('ok') });
export type Health = z.infer<typeof healthSchema>;

export const readinessSchema = z
  .object({
    status: z.enum(['ready', 'unavailable']),
    checks: z.record(z.string(), z.enum(['ok', 'down'])).meta({
      description: '`ok` or `down`, per connection (the reason is in the service log, never in the answer).',
      example: { postgres: 'ok', redis: 'ok', rabbitmq: 'ok' },
    }),
  })
  .meta({ id: 'Readiness' });
export type Readiness = z.infer<typeof readinessSchema>;

export interface ReadinessCheck {
  name: string;
  check(): Promise<unknown>;
}
export const READINESS_CHECKS = Symbol('READINESS_CHECKS');
/** The credential `/metrics` asks for (an AdminCredential), or null where it is open. */
export const METRICS_ACCESS = Symbol('METRICS_ACCESS');

const CHECK_TIMEOUT_MS = 2_000;

/**
 * `/healthz`: the process is up. `/readyz`: its connections work and it is not shutting down.
 * `/metrics`: Prometheus text (on the gateway only with the operator token).
 */
@ApiExcludeController()
@Controller()
export class ProbesController {
  private readonly logger = new Logger('Readiness');

  constructor(
    @Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[],
    @Inject(METRICS_ACCESS) private readonly metricsAccess: AdminCredential | null,
    private readonly draining: Draining,
  ) {}

  @Get('healthz')
  healthz(): Health {
    return { status: 'ok' };
  }

  @Get('readyz')
  async readyz(@Res({ passthrough: true }) reply: FastifyReply): Promise<Readiness> {
    const results = await Promise.all(
      this.checks.map(async ({ name, check }) => {
        try {
          await withTimeout(check(), CHECK_TIMEOUT_MS);
          return [name, 'ok'] as const;
        } catch (err) {
          this.logger.warn(`${name} is down: ${(err as Error).message}`);
          return [name, 'down'] as const;
        }
      }),
    );
    // While draining the connections may all work; the answer is no all the same.
    const ready = !this.draining.active && results.every(([, state]) => state === 'ok');
    reply.status(ready ? 200 : 503);
    return { status: ready ? 'ready' : 'unavailable', checks: Object.fromEntries(results) };
  }

  @Get('metrics')
  @Header('Content-Type', register.contentType)
  metrics(@Req() req: FastifyRequest): Promise<string> {
    if (this.metricsAccess && !this.metricsAccess.matches(req.headers)) {
      throw new DomainError(ErrorCode.Unauthorized, 'Missing or wrong admin token.');
    }
    return register.metrics();
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
    promise.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}
