import { DomainError, ErrorCode } from '@docsession/contracts';

/**
 * Bounds the exports one process streams at once: each holds a PostgreSQL connection
 * (and its snapshot) for as long as its reader takes, and the pool also serves auth.
 * A reader may take long, but not stop: one that reads nothing for `idleTimeoutMs` is
 * cut off and its slot freed (streamedExport).
 */
export class ExportSlots {
  private inUse = 0;

  constructor(
    private readonly capacity: number,
    readonly idleTimeoutMs: number,
  ) {}

  /** A slot, released exactly once however often `release` is called; 503 when none is free. */
  acquire(): { release(): void } {
    if (this.inUse >= this.capacity) {
      throw new DomainError(ErrorCode.Unavailable, 'Too many exports are running; try again shortly.');
    }
    this.inUse++;
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.inUse--;
      },
    };
  }

  get running(): number {
    return this.inUse;
  }
}
