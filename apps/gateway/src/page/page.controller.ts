import { DomainError, ErrorCode, SessionRpc, type TokenRef } from '@docsession/contracts';
import { APP_CONFIG, type AppConfig } from '@docsession/platform';
import { BLOB_STORE, type BlobStore } from '@docsession/storage';
import { Controller, Get, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { SESSION_RPC, type SessionRpcClient } from '../backends';
import { contentReply } from '../http/content-reply';
import { SessionTokens } from '../opens/session-tokens';
import { isInlineSafe } from './content-kinds';
import { EditorDiscovery } from '../wopi/editor-discovery';
import { documentPage, endedPage, unknownPage } from './document-page';
import { editorPage } from './editor-page';
import { contentHeaders, newNonce, pageHeaders } from './page-security';

/**
 * The browser side of a session: `document_url`, the bytes it shows, and the page's
 * heartbeats and close beacon. A document the editor handles (EDITOR_DISCOVERY_URL) gets the
 * page that hosts the editor; any other, or any while the editor's discovery is unknown, the
 * built-in page. The token in the URL is the only credential. Saving
 * (`PUT /s/{token}/content`) takes raw bytes and is registered apart: see save-route.ts.
 */
@ApiExcludeController()
@Controller('s')
export class PageController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SESSION_RPC) private readonly sessions: SessionRpcClient,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    private readonly editors: EditorDiscovery,
  ) {}

  @Get(':token')
  async page(@Param('token') token: string, @Res() reply: FastifyReply): Promise<void> {
    const nonce = newNonce();
    const headers = pageHeaders(nonce, this.config.FRAME_ANCESTORS);
    try {
      // Only a read: the page's script reports in with its first heartbeat (see SessionPresence).
      const view = await this.sessions.call(SessionRpc.GetPageContent, this.tokenRef(token));
      const options = { token, nonce, heartbeatSeconds: this.config.HEARTBEAT_SECONDS };
      const frame = this.editors.frameFor(view.document.documentId, view.document.name, view.session.mode);
      if (frame) {
        const editorHeaders = pageHeaders(nonce, this.config.FRAME_ANCESTORS, frame.origin);
        return void reply
          .status(200)
          .headers(editorHeaders)
          .send(editorPage(view, frame, options));
      }
      reply.status(200).headers(headers).send(documentPage(view, options));
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      if (err.code === ErrorCode.Gone) return void reply.status(410).headers(headers).send(endedPage(nonce));
      if (err.code === ErrorCode.NotFound) return void reply.status(404).headers(headers).send(unknownPage(nonce));
      throw err;
    }
  }

  /** `?inline=1` (the page's PDF preview) is honoured only for types that cannot run as a page. */
  @Get(':token/content')
  async content(
    @Param('token') token: string,
    @Query('inline') inline: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { document } = await this.sessions.call(SessionRpc.GetPageContent, this.tokenRef(token));
    reply
      .headers(contentHeaders(document.contentType, this.config.FRAME_ANCESTORS))
      .header('x-document-version', String(document.version));
    const disposition = inline === '1' && isInlineSafe(document.contentType) ? 'inline' : 'attachment';
    return contentReply(this.blobs, document, disposition);
  }

  @Post(':token/heartbeat')
  @HttpCode(204)
  async heartbeat(@Param('token') token: string): Promise<void> {
    await this.sessions.call(SessionRpc.PageHeartbeat, this.tokenRef(token));
  }

  /** The close beacon: the session closes after CLOSE_GRACE_SECONDS unless the page comes back. */
  @Post(':token/close')
  @HttpCode(202)
  async close(@Param('token') token: string): Promise<void> {
    await this.sessions.call(SessionRpc.PageClose, this.tokenRef(token));
  }

  private tokenRef(token: string): TokenRef {
    if (!SessionTokens.looksValid(token)) throw new DomainError(ErrorCode.NotFound, 'No such session.');
    return { tokenHash: SessionTokens.hashOf(token) };
  }
}
