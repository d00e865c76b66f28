import {
  CounterReconciliation,
  LEDGER_FORMATS,
  LedgerExport,
  ledgerExportStream,
  parsePeriodLabel,
  periodLabel,
  type LedgerFormat,
  type Period,
} from '@docsession/metering';
import { createDataSource, type AppConfig } from '@docsession/platform';
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import { Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { DataSource } from 'typeorm';
import { ProgressBar } from './progress-bar';
import { UsageError } from './usage-error';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface ExportArgs {
  period?: string;
  out?: string;
  format?: string;
  tenant?: string;
}

function periodOf(label: string | undefined): Period {
  const period = parsePeriodLabel(label);
  if (!period) throw new UsageError('--period must be a month, YYYY-MM');
  return period;
}

async function withDatabase<T>(config: AppConfig, run: (db: DataSource) => Promise<T>): Promise<T> {
  const db = await createDataSource({ ...config, DB_POOL_SIZE: 2 }).initialize();
  try {
    return await run(db);
  } finally {
    await db.destroy();
  }
}

/**
 * `billing export`: the ledger of a period as the API exports it — with --tenant, the
 * very bytes of that tenant's GET /v1/usage/export (so its sha256 is the billing
 * export's ledger_sha256); without, every tenant's calls in one file. The row count
 * comes first, then a progress bar on stderr. A file is written under a temporary name
 * and renamed when complete, so a failed export leaves no partial file behind.
 */
export async function billingExport(config: AppConfig, args: ExportArgs, err: NodeJS.WriteStream): Promise<void> {
  const period = periodOf(args.period);
  const format = (args.format ?? 'csv') as LedgerFormat;
  if (!LEDGER_FORMATS.includes(format)) throw new UsageError(`--format must be one of ${LEDGER_FORMATS.join(', ')}`);
  if (args.tenant !== undefined && !UUID.test(args.tenant))
    throw new UsageError('--tenant must be a tenant id (a UUID)');
  const toStdout = !args.out || args.out === '-';
  await withDatabase(config, async (db) => {
    const cursor = await new LedgerExport(db).open({ period, tenantId: args.tenant?.toLowerCase() });
    const target = toStdout ? 'stdout' : args.out!;
    err.write(`Exporting ${cursor.total.toLocaleString('en-US')} rows of ${periodLabel(period)} to ${target}\n`);
    const bar = new ProgressBar(cursor.total, err);
    let rows = 0;
    const source = ledgerExportStream(cursor, format, (n) => {
      rows = n;
      bar.update(n);
    });
    const started = Date.now();
    let bytes = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        bytes += chunk.length;
        done(null, chunk);
      },
    });
    if (toStdout) {
      await pipeline(source, counter, process.stdout as Writable, { end: false });
    } else {
      const partial = `${args.out}.partial`;
      try {
        await pipeline(source, counter, createWriteStream(partial));
        renameSync(partial, args.out!);
      } catch (e) {
        rmSync(partial, { force: true });
        throw e;
      }
    }
    bar.finish(rows);
    const seconds = (Date.now() - started) / 1000;
    err.write(
      `Wrote ${rows.toLocaleString('en-US')} rows (${bytes.toLocaleString('en-US')} bytes) in ${seconds.toFixed(1)} s\n`,
    );
  });
}

/**
 * `billing reconcile`: recomputes every counter of a period from the ledger and prints
 * each difference; exit code 1 if there is any, unless --fix corrected them.
 */
export async function billingReconcile(
  config: AppConfig,
  args: { period?: string; fix?: boolean },
  out: (line: string) => void,
): Promise<number> {
  const period = periodOf(args.period);
  return withDatabase(config, async (db) => {
    const reconciliation = new CounterReconciliation(db);
    const found = args.fix ? await reconciliation.fix(period) : await reconciliation.differences(period);
    if (!found.length) {
      out(`${periodLabel(period)}: every counter matches the ledger.`);
      return 0;
    }
    out(`${periodLabel(period)}: ${found.length} counter(s) differ from the ledger:`);
    out('tenant_id                             counter      ledger');
    for (const d of found) {
      out(`${d.tenantId}  ${String(d.counter ?? '(none)').padStart(10)}  ${String(d.ledger).padStart(10)}`);
    }
    if (args.fix) {
      out(`Fixed: each counter now says what the ledger says.`);
      return 0;
    }
    out('Run again with --fix to set them to the ledger counts.');
    return 1;
  });
}
