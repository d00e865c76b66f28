import { DomainError, ErrorCode, MeteringRpc, type PlanRecord, type QuotaSeed } from '@docsession/contracts';
import {
  hardLimit,
  monthOf,
  periodLabel,
  QuotaReservations,
  type Period,
  type ReserveOutcome,
} from '@docsession/metering';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { METERING_RPC, type MeteringRpcClient } from '../backends';

/** A reservation to run inside another script: its period, its keys and the time it is made. */
export interface QuotaStep {
  period: Period;
  keys: [string, string];
  now: number;
}

/** One admitted open; given back if the open fails before it is published. */
export interface QuotaReservation {
  release(): Promise<void>;
}

/**
 * The usage limit at the edge: an open is admitted only if it can take one of the
 * tenant's remaining opens in the period (limit plus grace), checked and counted in one
 * atomic Redis step shared by all gateways, so concurrent opens cannot overshoot.
 *
 * The counter is seeded from the metering service when missing. The plan is read from
 * the shared copy in Redis: a plan changed through the admin API is written there at
 * once (so it applies to the very next open on every gateway); otherwise a copy older
 * than QUOTA_PLAN_CACHE_SECONDS is refreshed from metering in the background, and
 * before refusing an open.
 */
@Injectable()
export class QuotaGate {
  private readonly logger = new Logger(QuotaGate.name);
  private readonly refreshing = new Map<string, Promise<void>>();

  constructor(
    private readonly reservations: QuotaReservations,
    @Inject(METERING_RPC) private readonly metering: MeteringRpcClient,
  ) {}

  /**
   * The reservation an open of the tenant makes now, for a script that runs it as one of its
   * steps (reserveLua over `keys`, at `now`); `reserve` then takes over from its outcome.
   */
  step(tenantId: string): QuotaStep {
    const period = monthOf(new Date());
    return { period, keys: this.reservations.keys(tenantId, period), now: Date.now() };
  }

  /**
   * Throws 429 usage_exceeded past the hard limit, 503 when the count cannot be kept.
   * `first`: the outcome of a step already run (see `step`), instead of running one here.
   */
  async reserve(tenantId: string, first?: { step: QuotaStep; outcome: ReserveOutcome }): Promise<QuotaReservation> {
    const period = first?.step.period ?? monthOf(new Date());
    let outcome = first?.outcome ?? (await this.redis(() => this.reservations.reserve(tenantId, period)));
    if (outcome.kind === 'unseeded') {
      outcome = await this.seed(tenantId, period);
    } else if (outcome.stale && outcome.kind === 'refused') {
      // The limit may have been raised behind the copy's back: look before refusing
      // (if metering cannot say, the copy's verdict stands).
      await this.refreshPlan(tenantId, period).catch(() => undefined);
      outcome = await this.redis(() => this.reservations.reserve(tenantId, period));
      if (outcome.kind === 'unseeded') outcome = await this.seed(tenantId, period);
    } else if (outcome.stale) {
      void this.refreshPlan(tenantId, period).catch((err: Error) =>
        this.logger.warn(`Plan refresh of ${tenantId} failed: ${err.message}`),
      );
    }
    if (outcome.kind === 'unseeded') {
      throw new DomainError(
        ErrorCode.Unavailable,
        'Cannot check the usage limit right now; nothing was stored or billed.',
      );
    }
    if (outcome.kind === 'refused') {
      throw new DomainError(
        ErrorCode.UsageExceeded,
        "The tenant has used up its plan's limit and grace for this period; nothing was stored or billed.",
        { limit_with_grace: outcome.hardLimit, period: periodLabel(period) },
      );
    }
    return {
      release: () =>
        this.reservations
          .release(tenantId, period)
          .catch((err: Error) => this.logger.warn(`Could not release a reservation of ${tenantId}: ${err.message}`)),
    };
  }

  /** Puts a changed plan into the shared copy at once. */
  async planChanged(plan: PlanRecord): Promise<void> {
    await this.reservations.storePlan(plan.tenantId, {
      hardLimit: hardLimit(plan.usageLimit, plan.gracePercent),
      version: plan.version,
    });
  }

  private async seed(tenantId: string, period: Period): Promise<ReserveOutcome> {
    const seed = await this.quotaSeed(tenantId, period);
    return this.redis(() =>
      this.reservations.seedAndReserve(tenantId, period, {
        totalUsage: seed.totalUsage,
        hardLimit: seed.hardLimit,
        version: seed.plan.version,
      }),
    );
  }

  /** One refresh per tenant at a time, however many opens notice the stale copy. */
  private refreshPlan(tenantId: string, period: Period): Promise<void> {
    let running = this.refreshing.get(tenantId);
    if (!running) {
      running = this.quotaSeed(tenantId, period)
        .then((seed) => this.redis(() => this.planChanged(seed.plan)))
        .finally(() => this.refreshing.delete(tenantId));
      this.refreshing.set(tenantId, running);
    }
    return running;
  }

  private quotaSeed(tenantId: string, period: Period): Promise<QuotaSeed> {
    return this.metering.call(MeteringRpc.GetQuota, { tenantId, period: periodLabel(period) });
  }

  private async redis<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      this.logger.warn(`Quota reservation failed: ${(err as Error).message}`);
      throw new DomainError(
        ErrorCode.Unavailable,
        'Cannot check the usage limit right now; nothing was stored or billed.',
      );
    }
  }
}
