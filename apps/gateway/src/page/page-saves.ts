import { DomainError, ErrorCode, isoTimeSchema, SessionRpc, type WopiSaveConditions } from '@docsession/contracts';
import { APP_CONFIG, type AppConfig } from '@docsession/platform';
import { BLOB_STORE, type BlobStore } from '@docsession/storage';
import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { z } from 'zod';
import { SESSION_RPC, type SessionRpcClient } from '../backends';
import { SessionTokens } from '../opens/session-tokens';

/** The answer of `PUT /s/{token}/content`. */
export const saveReplySchema = z
  .object({ version: z.int().min(1), saved_at: isoTimeSchema })
  .meta({ id: 'SaveResult' });
export type SaveReply = z.infer<typeof saveReplySchema>;

/**
 * The gateway's half of a save, from the page (`PUT /s/{token}/content`) or an editor (WOPI
 * PutFile, with its preconditions in `wopi`). It stages the bytes in a blob of their own,
 * outside any lock; the session service then puts them in place under the document's lock (see
 * DocumentSaves). Whatever happens, no staged blob is left behind.
 */
@Injectable()
export class PageSaves {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SESSION_RPC) private readonly sessions: SessionRpcClient,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
  ) {}

  /**
   * Refuses, before the body is read, what can never be saved: an unknown or ended session
   * (404, 410) or a view-only one (403). The session service checks again under the lock.
   * A WOPI save has its own such check (WopiHost.authorize).
   */
  async admit(token: string): Promise<void> {
    if (!SessionTokens.looksValid(token)) throw new DomainError(ErrorCode.NotFound, 'No such session.');
    const view = await this.sessions.call(SessionRpc.GetPageContent, { tokenHash: SessionTokens.hashOf(token) });
    if (view.session.mode !== 'edit') {
      throw new DomainError(ErrorCode.Forbidden, 'This session is view only: it cannot save.');
    }
  }

  /** Saves `body` as the session's new content; the caller ran `admit` (or WOPI's access check) before reading it. */
  async save(token: string, body: Buffer | Readable, wopi?: WopiSaveConditions): Promise<SaveReply> {
    if (!SessionTokens.looksValid(token)) throw new DomainError(ErrorCode.NotFound, 'No such session.');
    const tokenHash = SessionTokens.hashOf(token);
    const stagedKey = `save-${randomUUID()}`;
    const staged = await this.blobs.write(stagedKey, body, this.config.MAX_UPLOAD_BYTES);
    try {
      const saved = await this.sessions.call(SessionRpc.SavePageContent, {
        tokenHash,
        stagedKey,
        sizeBytes: staged.sizeBytes,
        sha256: staged.sha256,
        ...(wopi && { via: 'wopi' as const, wopi }),
      });
      return { version: saved.version, saved_at: saved.savedAt };
    } finally {
      // Gone already when the save moved it into place; otherwise it must not linger.
      await this.blobs.delete(stagedKey).catch(() => undefined);
    }
  }
}
