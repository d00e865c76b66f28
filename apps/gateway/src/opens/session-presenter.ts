import type { SessionCreated, SessionRecord } from '@docsession/contracts';
import type { SessionTokens } from './session-tokens';

/** The Session object of the HTTP contract, field for field. */
export interface SessionView {
  session_id: string;
  document_id: string;
  status: SessionRecord['status'];
  mode: SessionRecord['mode'];
  user: SessionRecord['user'];
  document_url: string;
  session_url: string;
  session_delete_url: string;
  document_delete_url: string;
  created_at: string;
  opened_at: string | null;
  closed_at: string | null;
  expires_at: string;
  close_reason: SessionRecord['closeReason'];
}

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
      document_url: `${this.publicUrl}/s/${this.tokens.tokenOf(s.sessionId)}`,
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
