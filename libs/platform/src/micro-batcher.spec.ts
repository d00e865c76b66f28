import { MicroBatcher } from './micro-batcher';

describe('MicroBatcher', () => {
  it('runs items submitted in the same turn as one batch', async () => {
    const batches: number[][] = [];
    const batcher = new MicroBatcher<number>(async (items) => void batches.push(items), { name: 'test', maxSize: 100 });
    await Promise.all([1, 2, 3].map((n) => batcher.submit(n)));
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('flushes at once when a batch is full', async () => {
    const batches: number[][] = [];
    const batcher = new MicroBatcher<number>(async (items) => void batches.push(items), { name: 'test', maxSize: 2 });
    await Promise.all([1, 2, 3, 4, 5].map((n) => batcher.submit(n)));
    expect(batches).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('retries a failed batch item by item, so only the bad item fails', async () => {
    const runs: number[][] = [];
    const batcher = new MicroBatcher<number>(
      async (items) => {
        runs.push(items);
        if (items.includes(2)) throw new Error('bad item 2');
      },
      { name: 'test', maxSize: 100 },
    );
    const results = await Promise.allSettled([1, 2, 3].map((n) => batcher.submit(n)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(runs).toEqual([[1, 2, 3], [1], [2], [3]]);
  });

  it('keeps batching after a failure', async () => {
    let fail = true;
    const batcher = new MicroBatcher<number>(
      async () => {
        if (fail) throw new Error('down');
      },
      { name: 'test', maxSize: 10 },
    );
    await expect(batcher.submit(1)).rejects.toThrow('down');
    fail = false;
    await expect(batcher.submit(2)).resolves.toBeUndefined();
  });

  it('bounded, gathers what arrives while the batches run into the next one (group commit)', async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const first = new Promise<void>((r) => (release = r));
    const batcher = new MicroBatcher<number>(
      async (items) => {
        batches.push(items);
        if (batches.length === 1) await first;
      },
      { name: 'test', maxSize: 100, maxRunning: 1 },
    );
    const done = [batcher.submit(1)];
    await new Promise((r) => setImmediate(r));
    done.push(...[2, 3, 4].map((n) => batcher.submit(n)));
    await new Promise((r) => setImmediate(r));
    expect(batches).toEqual([[1]]);
    release();
    await Promise.all(done);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('bounded, never makes a batch larger than maxSize', async () => {
    const batches: number[][] = [];
    const batcher = new MicroBatcher<number>(async (items) => void batches.push(items), {
      name: 'test',
      maxSize: 2,
      maxRunning: 1,
    });
    await Promise.all([1, 2, 3, 4, 5].map((n) => batcher.submit(n)));
    expect(batches).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('runs the items of a failed batch through `alone` when given, a lone item too', async () => {
    const alone: number[] = [];
    const batcher = new MicroBatcher<number>(
      async () => {
        throw new Error('batch refused');
      },
      {
        name: 'test',
        maxSize: 10,
        alone: async (n) => {
          alone.push(n);
          if (n === 2) throw new Error('bad item 2');
        },
      },
    );
    const results = await Promise.allSettled([1, 2].map((n) => batcher.submit(n)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
    await expect(batcher.submit(3)).resolves.toBeUndefined();
    expect(alone).toEqual([1, 2, 3]);
  });
});
