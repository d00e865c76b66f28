import { z, ZodError } from 'zod';
import { execute, queryRows, RowShapeError } from './database';

/** What TypeORM's query() answers: rows, or `[rows, rowCount]` for UPDATE and DELETE. */
const answering = (result: unknown) => ({ query: async () => result });

const row = z.object({ id: z.string(), size_bytes: z.string(), saved_at: z.date() });

describe('queryRows', () => {
  const at = new Date('2026-12-03T09:00:00.000Z');

  it('answers the rows parsed by their schema, with columns the schema does not name left out', async () => {
    const rows = await queryRows(answering([{ id: 'a', size_bytes: '12', saved_at: at, extra: 1 }]), row, 'SELECT');
    expect(rows).toEqual([{ id: 'a', size_bytes: '12', saved_at: at }]);
  });

  it("takes the rows of an UPDATE's [rows, rowCount]", async () => {
    const rows = await queryRows(answering([[{ id: 'b', size_bytes: '1', saved_at: at }], 1]), row, 'UPDATE');
    expect(rows.map((r) => r.id)).toEqual(['b']);
  });

  it('refuses a row of another shape with a RowShapeError naming the column, never a ZodError (a caller’s 400)', async () => {
    const wrong = queryRows(answering([{ id: 'c', size_bytes: 12, saved_at: at }]), row, 'SELECT id,\n  size_bytes');
    await expect(wrong).rejects.toBeInstanceOf(RowShapeError);
    await expect(wrong).rejects.not.toBeInstanceOf(ZodError);
    await expect(wrong).rejects.toThrow(/"SELECT id, size_bytes" .*size_bytes/);
  });
});

describe('execute', () => {
  it('runs the statement with its parameters and answers nothing', async () => {
    const calls: unknown[][] = [];
    const db = { query: async (sql: string, params?: unknown[]) => (calls.push([sql, params]), [[], 3]) };
    await expect(execute(db, 'DELETE FROM t WHERE id = $1', ['x'])).resolves.toBeUndefined();
    expect(calls).toEqual([['DELETE FROM t WHERE id = $1', ['x']]]);
  });
});
