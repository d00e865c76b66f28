/**
 * Gathers items that arrive close together — the messages one socket read delivers,
 * say — and hands them to `run` as one batch, so that a consumer pays one transaction
 * and one round trip per batch instead of per message. Each submitter learns the
 * outcome of its own item.
 *
 * If a batch fails, its items are retried one by one, so that one bad item fails alone
 * instead of failing (and redelivering) every item that happened to share its batch.
 */
export class MicroBatcher<T> {
  private pending: { item: T; resolve: () => void; reject: (err: unknown) => void }[] = [];
  private scheduled = false;

  constructor(
    private readonly run: (items: T[]) => Promise<void>,
    private readonly maxSize: number,
  ) {}

  submit(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
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
    const batch = this.pending;
    if (!batch.length) return;
    this.pending = [];
    try {
      await this.run(batch.map((p) => p.item));
      for (const p of batch) p.resolve();
    } catch (err) {
      if (batch.length === 1) return batch[0].reject(err);
      for (const p of batch) {
        await this.run([p.item]).then(p.resolve, p.reject);
      }
    }
  }
}
