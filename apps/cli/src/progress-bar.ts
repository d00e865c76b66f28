/** `[########------------]  40% 400,000 / 1,000,000 rows` */
export function renderProgress(done: number, total: number, width = 30): string {
  const fraction = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(fraction * width);
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${percent} ${done.toLocaleString('en-US')} / ${total.toLocaleString('en-US')} rows`;
}

/**
 * A progress bar for a terminal: redrawn in place (at most every 100 ms) when the
 * stream is a TTY; otherwise one line per tenth, so logs of a cron job stay short.
 */
export class ProgressBar {
  private lastDraw = 0;
  private lastTenth = -1;

  constructor(
    private readonly total: number,
    private readonly stream: { write(text: string): unknown; isTTY?: boolean },
    private readonly now: () => number = Date.now,
  ) {}

  update(done: number): void {
    if (this.stream.isTTY) {
      const t = this.now();
      if (t - this.lastDraw < 100 && done < this.total) return;
      this.lastDraw = t;
      this.stream.write(`\r${renderProgress(done, this.total)}`);
      return;
    }
    const tenth = this.total > 0 ? Math.floor((done * 10) / this.total) : 10;
    if (tenth === this.lastTenth) return;
    this.lastTenth = tenth;
    this.stream.write(`${renderProgress(done, this.total)}\n`);
  }

  finish(done: number): void {
    this.lastDraw = 0;
    this.update(done);
    if (this.stream.isTTY) this.stream.write('\n');
  }
}
