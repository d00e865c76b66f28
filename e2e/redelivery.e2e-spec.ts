import { api, eventually, newTenant, openText } from './support/api';
import { eventQueuesDrained, publishEvent, withChannel } from './support/bus';
import { countRows } from './support/database';
import { storedSessionCreated } from './support/events';

async function stored(sessionId: string, tenantId: string) {
  return eventually(
    async () =>
      (await countRows('session.sessions', 'id = $1', [sessionId])) === 1 &&
      (await countRows('metering.billable_calls', 'tenant_id = $1 AND event_id = $2', [tenantId, sessionId])) === 1
        ? true
        : undefined,
    10_000,
    `session ${sessionId} stored and billed`,
  );
}

describe('at-least-once delivery, exactly-once effect', () => {
  it('stores and bills an event delivered twice once', async () => {
    const tenant = await newTenant();
    const res = await openText(tenant.api_key, 'twice');
    const { session_id: sessionId, document_id: documentId } = res.body;
    await stored(sessionId, tenant.tenant_id);

    await publishEvent('session.created', await storedSessionCreated(sessionId), 2);
    // A later open, to know the redeliveries ahead of it were taken off the queues.
    const sentinel = await openText(tenant.api_key, 'sentinel');
    await stored(sentinel.body.session_id, tenant.tenant_id);
    await eventQueuesDrained();

    expect(await countRows('session.sessions', 'id = $1', [sessionId])).toBe(1);
    expect(await countRows('session.documents', 'id = $1', [documentId])).toBe(1);
    expect(await countRows('session.audit_events', "session_id = $1 AND type = 'session.created'", [sessionId])).toBe(
      1,
    );
    expect(await countRows('metering.billable_calls', 'event_id = $1', [sessionId])).toBe(1);
    expect((await api('GET', '/v1/usage', { key: tenant.api_key })).body.total_usage).toBe(2);
  });

  it('does not revive a closed session when its event comes again', async () => {
    const tenant = await newTenant();
    const res = await openText(tenant.api_key, 'final is final');
    await stored(res.body.session_id, tenant.tenant_id);
    const event = await storedSessionCreated(res.body.session_id);
    await api('DELETE', `/v1/sessions/${res.body.session_id}`, { key: tenant.api_key });

    await publishEvent('session.created', event);
    await eventQueuesDrained();
    const read = await api('GET', `/v1/sessions/${res.body.session_id}`, { key: tenant.api_key });
    expect(read.body.status).toBe('closed');
    expect((await api('GET', `/v1/documents/${res.body.document_id}`, { key: tenant.api_key })).body.status).toBe(
      'purged',
    );
  });

  it('dead-letters an invalid event instead of storing or billing it', async () => {
    const before = await withChannel(async (ch, names) => (await ch.checkQueue(names.deadLetterQueue)).messageCount);
    await publishEvent('session.created', { eventId: 'not-a-uuid', tenantId: 'nobody' });
    await eventually(
      () =>
        withChannel(async (ch, names) =>
          (await ch.checkQueue(names.deadLetterQueue)).messageCount >= before + 2 ? true : undefined,
        ),
      10_000,
      'both consumers dead-lettered the event',
    );
  });
});
