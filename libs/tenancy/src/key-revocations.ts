import type { Redis } from 'ioredis';

/**
 * Tells every gateway that a key was revoked, so that caches of verified keys drop it
 * at once. Redis pub/sub is fire-and-forget: a subscriber that was disconnected may
 * have missed messages, so it must forget its whole cache when it reconnects.
 */
export class KeyRevocations {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  get channel(): string {
    return `${this.prefix}:api-key-revoked`;
  }

  async announce(keyHash: string): Promise<void> {
    await this.redis.publish(this.channel, keyHash);
  }

  /**
   * Calls `onRevoked` for each revoked key hash, and `onGap` whenever messages may
   * have been missed (every (re)connection, including the first).
   */
  async listen(subscriber: Redis, onRevoked: (keyHash: string) => void, onGap: () => void): Promise<void> {
    subscriber.on('ready', onGap);
    subscriber.on('message', (channel: string, keyHash: string) => {
      if (channel === this.channel) onRevoked(keyHash);
    });
    await subscriber.subscribe(this.channel);
    onGap();
  }
}
