import {
  closeReasonSchema,
  isoTimeSchema,
  sessionModeSchema,
  sessionStatusSchema,
  userSchema,
  type SessionCreated,
  type SessionRecord,
} from '@docsession/contracts';
import { z } from 'zod';
import type { SessionTokens } from './session-tokens';

/** The Session object of the HTTP contract, field for field, in API.md's order. */
export const sessionViewSchema = z
  .object({
    session_id: z.uuid(),
    document_id: z.uuid(),
    status: sessionStatusSchema.meta({
      description: '`inactive` → `active` (opened in a browser) → `closed` or `expired` (both final).',
    }),
    mode: sessionModeSchema,
    user: userSchema.nullable(),
    document_url: z.url().meta({ description: '`<PUBLIC_URL>/s/<token>`; the token is the browser bearer secret.' }),
    session_url: z.url().meta({ description: '`<PUBLIC_URL>/v1/sessions/<session_id>`' }),
    session_delete_url: z.url().meta({ description: '`<PUBLIC_URL>/v1/sessions/<session_id>`' }),
    document_delete_url: z.url().meta({ description: '`<PUBLIC_URL>/v1/documents/<document_id>`' }),
    created_at: isoTimeSchema,
    opened_at: isoTimeSchema.nullable(),
    closed_at: isoTimeSchema.nullable(),
    expires_at: isoTimeSchema,
    close_reason: closeReasonSchema.nullable(),
  })
  .meta({ id: 'Session', description: 'One user’s right to view/edit a document through `document_url`.' });
export type SessionView = z.infer<typeof sessionViewSchema>;

/** A Session object without its bearer token, as an idempotency record keeps it. */
export const storedSessionViewSchema = sessionViewSchema.omit({ document_url: true });
export type StoredSessionView = z.infer<typeof storedSessionViewSchema>;

export class SessionPresenter {
  constructor(
    private readonly publicUrl: string,
    private readonly tokens: SessionTokens,
  ) {}

  present(s: SessionRecord): SessionView {
    const sessionUrl = `${this.publicUrl}/v1/sessions/${s.sessionId}`;
    return {
      session_id: s.sessionId,
      document_id: s.documentId,
      status: s.status,
      mode: s.mode,
      user: s.user,
      document_url: this.documentUrlOf(s.sessionId),
      session_url: sessionUrl,
      session_delete_url: sessionUrl,
      document_delete_url: `${this.publicUrl}/v1/documents/${s.documentId}`,
      created_at: s.createdAt,
      opened_at: s.openedAt,
      closed_at: s.closedAt,
      expires_at: s.expiresAt,
      close_reason: s.closeReason,
    };
  }

  /** The view to keep: `document_url` holds a bearer secret, which is never stored. */
  static withoutToken(view: SessionView): StoredSessionView {
    const { document_url: _secret, ...kept } = view;
    return kept;
  }

  /** A kept view with `document_url` computed again, in the Session object's field order. */
  withToken(kept: StoredSessionView): SessionView {
    const { session_id, document_id, status, mode, user, ...rest } = kept;
    return { session_id, document_id, status, mode, user, document_url: this.documentUrlOf(session_id), ...rest };
  }

  private documentUrlOf(sessionId: string): string {
    return `${this.publicUrl}/s/${this.tokens.tokenOf(sessionId)}`;
  }

  /** A session just opened, before anyone stored it: what the session service will hold. */
  presentCreated(e: SessionCreated): SessionView {
    return this.present({
      sessionId: e.session.sessionId,
      documentId: e.document.documentId,
      status: 'inactive',
      mode: e.session.mode,
      user: e.session.user,
      createdAt: e.occurredAt,
      openedAt: null,
      closedAt: null,
      expiresAt: e.session.expiresAt,
      closeReason: null,
    });
  }
}
