import { Injectable } from '@nestjs/common';

/**
 * Whether this process is shutting down (SIGTERM, see shutdown.ts): `/readyz` then answers
 * 503 at once, so that a load balancer stops sending it requests before it stops listening.
 */
@Injectable()
export class Draining {
  private since: number | null = null;

  start(): void {
    this.since ??= Date.now();
  }

  get active(): boolean {
    return this.since !== null;
  }
}
