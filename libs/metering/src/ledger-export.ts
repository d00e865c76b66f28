import { execute, queryRows } from '@docsession/platform';
import { Readable } from 'node:stream';
import type { DataSource, QueryRunner } from 'typeorm';
import { z } from 'zod';
import { LEDGER_CSV_HEADER, ledgerLine, ledgerRowSchema, type LedgerFormat, type LedgerRow } from './export-formats';
import { periodKey, type Period } from './periods';

/** Rows per FETCH: large enough to amortise the round trip, small enough to stay flat. */
const FETCH_ROWS = 2_000;

export interface LedgerScope {
  period: Period;
  /** One tenant's calls; all tenants' when absent (the operator's CLI). */
  tenantId?: string;
}

/**
 * An open export: a read-only, repeatable-read transaction holding a server-side
 * cursor, so that `total` and the rows come from one snapshot and memory stays flat
 * however many rows there are. `close()` must be called (the stream does it).
 */
export interface LedgerCursor {
  readonly total: number;
  batches(): AsyncGenerator<LedgerRow[]>;
  close(): Promise<void>;
}

/**
 * Reads the ledger of billable calls for export, sorted by occurred_at, event_id (the
 * uuid's byte order breaks ties), with times formatted by PostgreSQL so no client
 * clock or time zone can change a byte. Only reads: the gateway and the CLI stream
 * exports through this class instead of asking the metering service, since a reply
 * of a million rows does not fit an RPC message.
 */
export class LedgerExport {
  constructor(private readonly db: DataSource) {}

  async open(scope: LedgerScope): Promise<LedgerCursor> {
    const runner = this.db.createQueryRunner();
    await runner.connect();
    const params: unknown[] = [periodKey(scope.period)];
    let where = 'period_start = $1';
    if (scope.tenantId) {
      params.push(scope.tenantId);
      where += ' AND tenant_id = $2';
    }
    try {
      await execute(runner, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const [{ n }] = await queryRows(
        runner,
        z.object({ n: z.string() }), // count(*) is a bigint
        `SELECT count(*) AS n FROM metering.billable_calls WHERE ${where}`,
        params,
      );
      await execute(
        runner,
        `DECLARE ledger_export NO SCROLL CURSOR FOR
         SELECT event_id, to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS occurred_at,
                tenant_id, session_id, document_id, user_id, kind
         FROM metering.billable_calls WHERE ${where}
         ORDER BY occurred_at, event_id`,
        params,
      );
      return new OpenCursor(runner, Number(n));
    } catch (err) {
      await finish(runner);
      throw err;
    }
  }
}

class OpenCursor implements LedgerCursor {
  private closed = false;

  constructor(
    private readonly runner: QueryRunner,
    readonly total: number,
  ) {}

  async *batches(): AsyncGenerator<LedgerRow[]> {
    try {
      for (;;) {
        const rows = await queryRows(this.runner, ledgerRowSchema, `FETCH FORWARD ${FETCH_ROWS} FROM ledger_export`);
        if (rows.length) yield rows;
        if (rows.length < FETCH_ROWS) return;
      }
    } finally {
      await this.close();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await finish(this.runner);
  }
}

/** Ends the read-only transaction (nothing to commit) and returns the connection. */
async function finish(runner: QueryRunner): Promise<void> {
  try {
    await execute(runner, 'ROLLBACK');
  } finally {
    await runner.release();
  }
}

/**
 * The export's bytes as a stream that pulls from the cursor only as fast as its reader
 * reads. Destroying the stream (a client that went away) closes the cursor — also before
 * the first read (a HEAD): a generator that never started runs no `finally`.
 */
export function ledgerExportStream(
  cursor: LedgerCursor,
  format: LedgerFormat,
  onRows: (written: number) => void = () => undefined,
): Readable {
  const stream = Readable.from(ledgerChunks(cursor, format, onRows), { objectMode: false });
  stream.once('close', () => void cursor.close().catch(() => undefined));
  return stream;
}

export async function* ledgerChunks(
  cursor: LedgerCursor,
  format: LedgerFormat,
  onRows: (written: number) => void = () => undefined,
): AsyncGenerator<string> {
  let written = 0;
  try {
    if (format === 'csv') yield LEDGER_CSV_HEADER;
    for await (const rows of cursor.batches()) {
      let chunk = '';
      for (const row of rows) chunk += ledgerLine(row, format);
      yield chunk;
      written += rows.length;
      onRows(written);
    }
  } finally {
    await cursor.close();
  }
}
