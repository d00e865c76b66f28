import { SessionRpc } from '@docsession/contracts';
import { BLOB_STORE, type BlobStore } from '@docsession/storage';
import { Controller, Get, Inject, Param, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { TenantId } from '../auth/tenant';
import { SESSION_RPC, type SessionRpcClient } from '../backends';
import { versionReply } from '../http/content-reply';
import { IdPipe } from '../http/id.pipe';
import { VersionNumberPipe } from './version-number.pipe';
import { presentVersions, type VersionList } from './version-views';

/** The versions a live document's saves kept ("session recording"). */
@Controller('v1/documents')
@UseGuards(ApiKeyGuard)
export class VersionsController {
  constructor(
    @Inject(SESSION_RPC) private readonly sessions: SessionRpcClient,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
  ) {}

  @Get(':documentId/versions')
  async list(@TenantId() tenantId: string, @Param('documentId', IdPipe) documentId: string): Promise<VersionList> {
    return presentVersions(await this.sessions.call(SessionRpc.ListDocumentVersions, { tenantId, documentId }));
  }

  @Get(':documentId/versions/:number/content')
  async content(
    @TenantId() tenantId: string,
    @Param('documentId', IdPipe) documentId: string,
    @Param('number', VersionNumberPipe) number: number,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const version = await this.sessions.call(SessionRpc.GetVersionContent, { tenantId, documentId, number });
    reply.header('x-document-version', String(version.number));
    return versionReply(this.blobs, version);
  }
}
