import {
  LEDGER_CONTENT_TYPES,
  LEDGER_FORMATS,
  LedgerExport,
  ledgerExportStream,
  periodLabel,
} from '@docsession/metering';
import { Controller, Get, Query, Req, Res, UseGuards, type StreamableFile } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { TenantId } from '../auth/tenant';
import { parseExportQuery } from '../exports/export-query';
import { ExportSlots } from '../exports/export-slots';
import { streamedExport } from '../exports/streamed-export';

/**
 * `GET /v1/usage/export`: the caller's billable calls in a period, streamed. The rows
 * come straight from the metering schema through the metering library's read-only
 * export (a server-side cursor), not over RPC: a reply of a million rows does not fit
 * a broker message, and the gateway then holds only one batch at a time.
 */
@Controller('v1/usage')
@UseGuards(ApiKeyGuard)
export class UsageExportController {
  constructor(
    private readonly ledger: LedgerExport,
    private readonly slots: ExportSlots,
  ) {}

  @Get('export')
  async export(
    @TenantId() tenantId: string,
    @Query() query: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StreamableFile> {
    const { period, format } = parseExportQuery(query, LEDGER_FORMATS);
    return streamedExport(
      this.slots,
      { request, reply },
      async () => {
        const cursor = await this.ledger.open({ period, tenantId });
        reply.header('x-row-count', String(cursor.total));
        return ledgerExportStream(cursor, format);
      },
      { type: LEDGER_CONTENT_TYPES[format], filename: `usage-${periodLabel(period)}.${format}` },
    );
  }
}
