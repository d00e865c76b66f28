import {
  BILLING_CONTENT_TYPES,
  BILLING_CSV_HEADER,
  BILLING_FORMATS,
  billingCsvLine,
  BillingStatement,
  periodLabel,
  type BillingFormat,
  type BillingRow,
} from '@docsession/metering';
import { TenancyService } from '@docsession/tenancy';
import { Controller, Get, Query, Req, Res, UseGuards, type StreamableFile } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import { AdminGuard } from '../auth/admin.guard';
import { parseExportQuery } from '../exports/export-query';
import { ExportSlots } from '../exports/export-slots';
import { streamedExport } from '../exports/streamed-export';

/**
 * `GET /v1/admin/billing/export`: one row per tenant for a period. Tenant names come
 * from the tenancy library, the rest from the metering library, which reads each
 * tenant's ledger through the same cursor as the tenant's own export (see
 * UsageExportController for why the gateway reads it directly).
 */
@Controller('v1/admin/billing')
@UseGuards(AdminGuard)
export class BillingExportController {
  constructor(
    private readonly statement: BillingStatement,
    private readonly tenancy: TenancyService,
    private readonly slots: ExportSlots,
  ) {}

  @Get('export')
  async export(
    @Query() query: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StreamableFile> {
    const { period, format } = parseExportQuery(query, BILLING_FORMATS);
    return streamedExport(
      this.slots,
      { request, reply },
      async () => Readable.from(billingChunks(this.statement.rows(period, await this.tenancy.tenantNames()), format)),
      { type: BILLING_CONTENT_TYPES[format], filename: `billing-${periodLabel(period)}.${format}` },
    );
  }
}

async function* billingChunks(rows: AsyncIterable<BillingRow>, format: BillingFormat): AsyncGenerator<string> {
  if (format === 'csv') {
    yield BILLING_CSV_HEADER;
    for await (const row of rows) yield billingCsvLine(row);
    return;
  }
  let first = true;
  yield '[';
  for await (const row of rows) {
    yield `${first ? '' : ','}\n${JSON.stringify(row)}`;
    first = false;
  }
  yield '\n]\n';
}
