import { MicroBatcher } from './micro-batcher';

describe('MicroBatcher', () => {
  it('runs items submitted in the same turn as one batch', async () => {
    const batches: number[][] = [];
    const batcher = new MicroBatcher<number>(async (items) => void batches.push(items), 100);
    await Promise.all([1, 2, 3].map((n) => batcher.submit(n)));
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('flushes at once when a batch is full', async () => {
    const batches: number[][] = [];
    const batcher = new MicroBatcher<number>(async (items) => void batches.push(items), 2);
    await Promise.all([1, 2, 3, 4, 5].map((n) => batcher.submit(n)));
    expect(batches).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('retries a failed batch item by item, so only the bad item fails', async () => {
    const runs: number[][] = [];
    const batcher = new MicroBatcher<number>(async (items) => {
      runs.push(items);
      if (items.includes(2)) throw new Error('bad item 2');
    }, 100);
    const results = await Promise.allSettled([1, 2, 3].map((n) => batcher.submit(n)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(runs).toEqual([[1, 2, 3], [1], [2], [3]]);
  });

  it('keeps batching after a failure', async () => {
    let fail = true;
    const batcher = new MicroBatcher<number>(async () => {
      if (fail) throw new Error('down');
    }, 10);
    await expect(batcher.submit(1)).rejects.toThrow('down');
    fail = false;
    await expect(batcher.submit(2)).resolves.toBeUndefined();
  });
});
