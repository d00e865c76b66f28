import { DomainError, ErrorCode, SessionRpc, type PageView } from '@docsession/contracts';
import { RpcClient } from '@docsession/platform';
import type { BlobStore } from '@docsession/storage';
import { Controller, Get, Inject, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { SESSION_RPC } from '../backends';
import { BLOB_STORE } from '../blob-store.provider';
import { contentReply } from '../http/content-reply';
import { SessionTokens } from '../opens/session-tokens';
import { documentPage, endedPage, unknownPage } from './page.html';

/** Strict headers: nothing loads from elsewhere, no framing, and the token never leaks as a referrer. */
const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};

/** The browser side of a session: `document_url` and what the page loads. */
@ApiExcludeController()
@Controller('s')
export class PageController {
  constructor(
    @Inject(SESSION_RPC) private readonly sessions: RpcClient,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
  ) {}

  @Get(':token')
  async page(@Param('token') token: string, @Res() reply: FastifyReply): Promise<void> {
    try {
      const view = await this.ask(SessionRpc.OpenPage, token);
      reply.status(200).headers(PAGE_HEADERS).send(documentPage(view, token));
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      if (err.code === ErrorCode.Gone) return void reply.status(410).headers(PAGE_HEADERS).send(endedPage());
      if (err.code === ErrorCode.NotFound) return void reply.status(404).headers(PAGE_HEADERS).send(unknownPage());
      throw err;
    }
  }

  @Get(':token/content')
  async content(@Param('token') token: string, @Res({ passthrough: true }) reply: FastifyReply) {
    const view = await this.ask(SessionRpc.GetPageContent, token);
    reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
    return contentReply(this.blobs, view.document);
  }

  private async ask(pattern: string, token: string): Promise<PageView> {
    if (!SessionTokens.looksValid(token)) throw new DomainError(ErrorCode.NotFound, 'No such session.');
    return this.sessions.call<PageView>(pattern, { tokenHash: SessionTokens.hashOf(token) });
  }
}
