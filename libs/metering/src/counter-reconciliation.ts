import { execute, queryRows } from '@docsession/platform';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import { periodKey, type Period } from './periods';

/** A tenant whose counter does not say what its ledger rows say. */
export interface CounterDifference {
  tenantId: string;
  /** null: no counter row at all. */
  counter: number | null;
  ledger: number;
}

const DIFFERENCES = `
  WITH ledger AS (
    SELECT tenant_id, count(*) AS calls FROM metering.billable_calls WHERE period_start = $1 GROUP BY tenant_id
  ), counters AS (
    SELECT tenant_id, total FROM metering.usage_counters WHERE period_start = $1
  )
  SELECT coalesce(l.tenant_id, c.tenant_id) AS tenant_id, c.total AS counter, coalesce(l.calls, 0) AS ledger
  FROM ledger l FULL OUTER JOIN counters c ON c.tenant_id = l.tenant_id
  WHERE c.total IS DISTINCT FROM coalesce(l.calls, 0)
  ORDER BY 1`;

/** count(*) and bigint totals arrive as strings. */
const differenceRow = z.object({ tenant_id: z.string(), counter: z.string().nullable(), ledger: z.string() });

/**
 * Recomputes every counter of a period from the ledger. The two are written by one
 * statement, so a difference means someone changed one of them by hand (or a bug):
 * `differences` reports, `fix` makes each counter say what the ledger says.
 */
export class CounterReconciliation {
  constructor(private readonly db: DataSource) {}

  async differences(period: Period): Promise<CounterDifference[]> {
    const rows = await queryRows(this.db, differenceRow, DIFFERENCES, [periodKey(period)]);
    return rows.map((r) => ({
      tenantId: r.tenant_id,
      counter: r.counter === null ? null : Number(r.counter),
      ledger: Number(r.ledger),
    }));
  }

  /**
   * Sets each differing counter to its ledger count; returns what was fixed. The table
   * lock makes the count exact while the metering service keeps recording: a recording
   * that committed before it is counted, one that is still running waits for the lock
   * and then adds its calls on top of the corrected value.
   */
  async fix(period: Period): Promise<CounterDifference[]> {
    return this.db.transaction(async (tx) => {
      await execute(tx, 'LOCK TABLE metering.usage_counters IN SHARE ROW EXCLUSIVE MODE');
      const found = await queryRows(tx, differenceRow, DIFFERENCES, [periodKey(period)]);
      if (found.length) {
        await execute(
          tx,
          `INSERT INTO metering.usage_counters (tenant_id, period_start, total)
           SELECT unnest($2::uuid[]), $1, unnest($3::bigint[])
           ON CONFLICT (tenant_id, period_start) DO UPDATE SET total = EXCLUDED.total`,
          [periodKey(period), found.map((r) => r.tenant_id), found.map((r) => r.ledger)],
        );
      }
      return found.map((r) => ({
        tenantId: r.tenant_id,
        counter: r.counter === null ? null : Number(r.counter),
        ledger: Number(r.ledger),
      }));
    });
  }
}
