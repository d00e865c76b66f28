import type { SessionOpened } from '@docsession/contracts';
import { createHash } from 'node:crypto';
import type { SessionRow } from './rows';

/**
 * A UUID (version 8: custom) derived from a name: the same transition of the same session
 * always gets the same event id, so a consumer can tell a duplicate from a new event.
 */
export function derivedEventId(name: string): string {
  const h = createHash('sha256').update(name).digest();
  h[6] = (h[6]! & 0x0f) | 0x80;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** `session.opened` for a session whose page was just loaded for the first time. */
export function sessionOpenedEvent(session: SessionRow): SessionOpened {
  return {
    eventId: derivedEventId(`${session.id}:session.opened`),
    occurredAt: (session.opened_at ?? new Date()).toISOString(),
    tenantId: session.tenant_id,
    sessionId: session.id,
    documentId: session.document_id,
  };
}
