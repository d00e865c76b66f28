import { APP_CONFIG, createRedis, type AppConfig } from '@docsession/platform';
import { KeyRevocations, sha256Hex, TenancyService } from '@docsession/tenancy';
import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Redis } from 'ioredis';

const MAX_ENTRIES = 100_000;

/**
 * API keys this gateway verified recently, so an open does not cost a PostgreSQL
 * round trip for auth. A revocation evicts the key on every gateway at once (Redis
 * pub/sub); if that message is missed, the entry still lapses after
 * API_KEY_CACHE_SECONDS. Unknown keys are never cached.
 */
@Injectable()
export class VerifiedKeys implements OnModuleInit, OnApplicationShutdown {
  private readonly entries = new Map<string, { tenantId: string; until: number }>();
  private readonly ttlMs: number;
  /** Bumped on every revocation or gap: a lookup that raced one must not be cached. */
  private generation = 0;
  private subscriber?: Redis;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tenancy: TenancyService,
    private readonly revocations: KeyRevocations,
  ) {
    this.ttlMs = config.API_KEY_CACHE_SECONDS * 1000;
  }

  async onModuleInit(): Promise<void> {
    if (!this.ttlMs) return;
    this.subscriber = createRedis(this.config, 'worker');
    await this.revocations.listen(
      this.subscriber,
      (keyHash) => this.forget(keyHash),
      () => this.forgetAll(),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    this.subscriber?.disconnect();
  }

  /** The tenant of a key, or null for an unknown or revoked one. */
  async tenantOf(apiKey: string): Promise<string | null> {
    const keyHash = sha256Hex(apiKey);
    const now = Date.now();
    const hit = this.entries.get(keyHash);
    if (hit && hit.until > now) return hit.tenantId;
    const generation = this.generation;
    const tenantId = await this.tenancy.tenantOfKey(keyHash);
    if (tenantId && this.ttlMs && generation === this.generation) {
      if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(keyHash, { tenantId, until: now + this.ttlMs });
    }
    return tenantId;
  }

  /** Whether this gateway verified the key (by its hash) recently: a lookup that costs nothing. */
  isVerified(keyHash: string): boolean {
    const hit = this.entries.get(keyHash);
    return hit !== undefined && hit.until > Date.now();
  }

  private forget(keyHash: string): void {
    this.generation++;
    this.entries.delete(keyHash);
  }

  private forgetAll(): void {
    this.generation++;
    this.entries.clear();
  }
}
