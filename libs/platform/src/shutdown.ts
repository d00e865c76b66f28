import type { INestApplication, LoggerService } from '@nestjs/common';
import type { Server } from 'node:http';
import type { AppConfig } from './config';
import { Draining } from './draining';

/** How often, while the HTTP server closes, connections that went idle are closed. */
const REAP_EVERY_MS = 100;

/**
 * How a service stops on SIGTERM (or SIGINT) without losing or repeating work:
 * 1. At once `/readyz` answers 503 (Draining); everything else is served as before, for
 *    SHUTDOWN_DELAY_SECONDS, so a load balancer takes the process out of rotation while it
 *    still answers what is sent to it.
 * 2. Then the app closes, in the order of Nest's lifecycle: BullMQ workers stop taking jobs
 *    and finish the running ones (Worker.close); the HTTP server stops accepting
 *    connections, answers what it has (each with `Connection: close`) while idle keep-alive
 *    connections are closed as they go quiet; the broker transports cancel their
 *    subscriptions and finish what they hold — events handled and acked, RPCs answered
 *    (rmq-server.ts); finally the connections to PostgreSQL, Redis
 *    and the broker close.
 * 3. Exit 0. Should closing take longer than SHUTDOWN_GRACE_SECONDS, exit 1 then anyway:
 *    an unfinished event or job is redelivered to another process (at-least-once, and every
 *    consumer is idempotent).
 */
export function drainOnSignals(
  app: INestApplication,
  config: Pick<AppConfig, 'SHUTDOWN_DELAY_SECONDS' | 'SHUTDOWN_GRACE_SECONDS'>,
  logger: LoggerService,
): void {
  let started = false;
  const drain = async (signal: NodeJS.Signals) => {
    if (started) return; // a second signal while draining changes nothing
    started = true;
    app.get(Draining).start();
    logger.log(`${signal}: draining; /readyz answers 503, closing in ${config.SHUTDOWN_DELAY_SECONDS} s`);
    await new Promise((r) => setTimeout(r, config.SHUTDOWN_DELAY_SECONDS * 1000));
    const deadline = setTimeout(() => {
      logger.warn(`Still closing after SHUTDOWN_GRACE_SECONDS (${config.SHUTDOWN_GRACE_SECONDS} s): exiting now`);
      process.exit(1);
    }, config.SHUTDOWN_GRACE_SECONDS * 1000);
    const server = app.getHttpServer() as Server;
    const reaper = setInterval(() => server.closeIdleConnections(), REAP_EVERY_MS);
    try {
      await app.close();
    } catch (err) {
      logger.error(`Shutdown failed: ${(err as Error).stack ?? String(err)}`);
      process.exit(1);
    }
    clearInterval(reaper);
    clearTimeout(deadline);
    logger.log('Drained; exiting');
    process.exit(0);
  };
  process.once('SIGTERM', (s) => void drain(s));
  process.once('SIGINT', (s) => void drain(s));
}
