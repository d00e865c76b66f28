import { Logger } from '@nestjs/common';

export interface MicroBatcherOptions<T> {
  /** Named in the warning a failed batch logs. */
  name: string;
  maxSize: number;
  /**
   * Batches running at once. Unbounded, each turn's items go at once; bounded, whatever
   * arrives while the batches run waits for the next one (group commit): batches then
   * grow with the load, and a lone item still runs at once.
   */
  maxRunning?: number;
  /** How an item of a failed batch goes again on its own; default: a batch of one. */
  alone?: (item: T) => Promise<void>;
}

/**
 * Gathers items that arrive close together — the messages one socket read delivers, the
 * expiry jobs due in the same second — and hands them to `run` as one batch, so that a
 * consumer pays one transaction and one round trip per batch instead of per item. Each
 * submitter learns the outcome of its own item.
 *
 * If a batch fails, its items go again one by one, so that one bad item fails alone
 * instead of failing (and redelivering) every item that happened to share its batch.
 */
export class MicroBatcher<T> {
  private readonly logger: Logger;
  private pending: { item: T; resolve: () => void; reject: (err: unknown) => void }[] = [];
  private scheduled = false;
  private running = 0;
  private readonly maxSize: number;
  private readonly maxRunning: number;

  constructor(
    private readonly run: (items: T[]) => Promise<void>,
    private readonly options: MicroBatcherOptions<T>,
  ) {
    this.logger = new Logger(`MicroBatcher ${options.name}`);
    this.maxSize = options.maxSize;
    this.maxRunning = options.maxRunning ?? Infinity;
  }

  submit(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      // All batches busy: the first to finish takes it.
      if (this.running >= this.maxRunning) return;
      if (this.pending.length >= this.maxSize) {
        void this.flush();
      } else if (!this.scheduled) {
        this.scheduled = true;
        // After the I/O callbacks of this loop turn: everything that arrived with this item.
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    if (this.running >= this.maxRunning || !this.pending.length) return;
    let batch = this.pending;
    if (batch.length <= this.maxSize) this.pending = [];
    else batch = this.pending.splice(0, this.maxSize);
    this.running++;
    try {
      await this.run(batch.map((p) => p.item));
      for (const p of batch) p.resolve();
    } catch (err) {
      const alone = this.options.alone;
      if (batch.length === 1 && !alone) return batch[0].reject(err);
      this.logger.warn(`A batch of ${batch.length} failed (${(err as Error).message}); one at a time`);
      for (const p of batch) {
        await (alone ? alone(p.item) : this.run([p.item])).then(p.resolve, p.reject);
      }
    } finally {
      this.running--;
      if (this.pending.length && !this.scheduled) void this.flush();
    }
  }
}
