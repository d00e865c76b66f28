import { ProgressBar, renderProgress } from './progress-bar';

describe('renderProgress', () => {
  it('draws the share done and the counts', () => {
    expect(renderProgress(0, 1_000_000, 10)).toBe('[----------]   0% 0 / 1,000,000 rows');
    expect(renderProgress(523_000, 1_000_000, 10)).toBe('[#####-----]  52% 523,000 / 1,000,000 rows');
    expect(renderProgress(1_000_000, 1_000_000, 10)).toBe('[##########] 100% 1,000,000 / 1,000,000 rows');
  });

  it('shows an empty export as complete', () => {
    expect(renderProgress(0, 0, 4)).toBe('[####] 100% 0 / 0 rows');
  });
});

describe('ProgressBar', () => {
  it('redraws in place on a terminal, at most every 100 ms, and always at the end', () => {
    const written: string[] = [];
    let now = 0;
    const bar = new ProgressBar(100, { isTTY: true, write: (t) => written.push(t) }, () => now);
    now = 1_000;
    bar.update(10);
    now = 1_050;
    bar.update(20); // too soon
    now = 1_200;
    bar.update(30);
    bar.finish(100);
    expect(written.map((w) => w.replace(/\[.*\]\s+/, ''))).toEqual([
      '\r10% 10 / 100 rows',
      '\r30% 30 / 100 rows',
      '\r100% 100 / 100 rows',
      '\n',
    ]);
  });

  it('prints one line per tenth elsewhere', () => {
    const written: string[] = [];
    const bar = new ProgressBar(1_000, { isTTY: false, write: (t) => written.push(t) });
    for (let done = 0; done <= 1_000; done += 50) bar.update(done);
    bar.finish(1_000);
    expect(written).toHaveLength(11);
    expect(written.every((w) => w.endsWith(' rows\n'))).toBe(true);
  });
});
