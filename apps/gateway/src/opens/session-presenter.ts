import {
  closeReasonSchema,
  isoTimeSchema,
  sessionModeSchema,
  sessionStatusSchema,
  userSchema,
  type SessionCreated,
  type SessionRecord,
  type SessionUser,
} from '@docsession/contracts';
import { z } from 'zod';
import type { SessionTokens } from './session-tokens';

/**
 * Who took part in a session and when: the fields of the Session object that a document's
 * collaborators repeat, defined once for both.
 */
export const attendanceFields = {
  user: userSchema.nullable(),
  is_host: z.boolean().meta({
    description: "The session opened the document, or its user has the id of the user who did (the document's `host`).",
    example: true,
  }),
  opened_at: isoTimeSchema
    .nullable()
    .meta({ description: 'When its page first loaded (`inactive` → `active`); null until then.' }),
  last_seen_at: isoTimeSchema.nullable().meta({
    description:
      'Its last sign of life, as stored in PostgreSQL: a page load, a heartbeat (every HEARTBEAT_SECONDS while ' +
      "the page is open), a save, or a request of the session's editor (WOPI). Null before the first; after the " +
      'session ended, the last one before it did (the idle timeout counts from it).',
  }),
  closed_at: isoTimeSchema.nullable().meta({ description: 'When it ended (`closed` or `expired`); null while open.' }),
  close_reason: closeReasonSchema.nullable(),
};

/** The Session object of the HTTP contract, field for field, in API.md's order; then what it gained since. */
export const sessionViewSchema = z
  .object({
    session_id: z.uuid(),
    document_id: z.uuid(),
    status: sessionStatusSchema.meta({
      description: '`inactive` → `active` (opened in a browser) → `closed` or `expired` (both final).',
    }),
    mode: sessionModeSchema,
    user: attendanceFields.user,
    document_url: z.url().meta({ description: '`<PUBLIC_URL>/s/<token>`; the token is the browser bearer secret.' }),
    session_url: z.url().meta({ description: '`<PUBLIC_URL>/v1/sessions/<session_id>`' }),
    session_delete_url: z.url().meta({ description: '`<PUBLIC_URL>/v1/sessions/<session_id>`' }),
    document_delete_url: z.url().meta({ description: '`<PUBLIC_URL>/v1/documents/<document_id>`' }),
    created_at: isoTimeSchema,
    opened_at: attendanceFields.opened_at,
    closed_at: attendanceFields.closed_at,
    expires_at: isoTimeSchema,
    close_reason: attendanceFields.close_reason,
    is_host: attendanceFields.is_host,
    last_seen_at: attendanceFields.last_seen_at,
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
      is_host: s.isHost,
      last_seen_at: s.lastSeenAt,
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

  /**
   * A session just opened, before anyone stored it: what the session service will hold.
   * `host` is the document's host for a join (an open's session is the host's own).
   */
  presentCreated(e: SessionCreated, host: SessionUser | null = null): SessionView {
    const isHost = e.kind === 'open' || (e.session.user?.id !== undefined && e.session.user.id === host?.id);
    return this.present({
      sessionId: e.session.sessionId,
      documentId: e.document.documentId,
      status: 'inactive',
      mode: e.session.mode,
      user: e.session.user,
      isHost,
      createdAt: e.occurredAt,
      openedAt: null,
      lastSeenAt: null,
      closedAt: null,
      expiresAt: e.session.expiresAt,
      closeReason: null,
    });
  }
}
