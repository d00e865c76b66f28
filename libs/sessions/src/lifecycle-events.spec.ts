import { sessionOpenedSchema } from '@docsession/contracts';
import { randomUUID } from 'node:crypto';
import { derivedEventId, sessionOpenedEvent } from './lifecycle-events';
import type { SessionRow } from './rows';

describe('derivedEventId', () => {
  it('is a valid UUID, the same for the same name and different for another', () => {
    const a = derivedEventId('s-1:session.opened');
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(derivedEventId('s-1:session.opened')).toBe(a);
    expect(derivedEventId('s-2:session.opened')).not.toBe(a);
  });
});

describe('sessionOpenedEvent', () => {
  it('passes the contract schema and carries the opening time', () => {
    const openedAt = new Date('2026-11-27T03:28:54.123Z');
    const row = {
      id: randomUUID(),
      document_id: randomUUID(),
      tenant_id: randomUUID(),
      opened_at: openedAt,
    } as SessionRow;
    const event = sessionOpenedSchema.parse(sessionOpenedEvent(row));
    expect(event).toMatchObject({ sessionId: row.id, documentId: row.document_id, tenantId: row.tenant_id });
    expect(event.occurredAt).toBe('2026-11-27T03:28:54.123Z');
    expect(sessionOpenedEvent(row).eventId).toBe(event.eventId);
  });
});
