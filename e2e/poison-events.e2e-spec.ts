import { eventually, newTenant, openText } from './support/api';
import { peekDeadLetters } from './support/bus';
import { countRows, query } from './support/database';
import { e2eState } from './support/state';

const MAX_DELIVERIES = 5; // EVENT_MAX_DELIVERIES' default, which the e2e run keeps

function billed(tenantId: string, sessionId: string): Promise<number> {
  return countRows('metering.billable_calls', 'tenant_id = $1 AND event_id = $2', [tenantId, sessionId]);
}

describe('a poison message', () => {
  // A constraint the ledger breaks for one user only: metering fails on that event alone,
  // the way it would on a bug, while every other event goes through.
  const poisonUser = `poison-${e2eState().runId}`;
  const constraint = `poison_${e2eState().runId.replace(/\W/g, '_')}`;

  beforeAll(async () => {
    await query(
      `ALTER TABLE metering.billable_calls ADD CONSTRAINT ${constraint} CHECK (user_id IS DISTINCT FROM '${poisonUser}')`,
    );
  });
  afterAll(async () => {
    await query(`ALTER TABLE metering.billable_calls DROP CONSTRAINT IF EXISTS ${constraint}`);
  });

  it('goes to the dead letters with its last error after EVENT_MAX_DELIVERIES, while the rest flows', async () => {
    const tenant = await newTenant();
    const started = Date.now();
    const poison = await openText(tenant.api_key, 'poison', { user: { id: poisonUser } });
    expect(poison.status).toBe(201);
    const poisonId = poison.body.session_id as string;

    const others: Awaited<ReturnType<typeof openText>>[] = [];
    for (let i = 0; i < 5; i++) others.push(await openText(tenant.api_key, `other ${i}`));
    await eventually(
      async () => {
        const counts = await Promise.all(others.map((o) => billed(tenant.tenant_id, o.body.session_id)));
        return counts.every((n) => n === 1) ? true : undefined;
      },
      3_000,
      'the other opens billed while the poison message is retried',
    );

    const letter = await eventually(
      async () => (await peekDeadLetters()).find((m) => m.messageId === poisonId),
      30_000,
      'the poison message in the dead-letter queue',
    );
    // Each failed delivery waits EVENT_REDELIVERY_DELAY_MS (1 s) before the next one.
    expect(Date.now() - started).toBeGreaterThanOrEqual((MAX_DELIVERIES - 1) * 1_000);
    expect(letter.headers['x-docsession-deliveries']).toBe(MAX_DELIVERIES);
    expect(letter.headers['x-docsession-queue']).toBe(`${e2eState().env.NAMESPACE}.metering.events`);
    expect(String(letter.headers['x-docsession-error'])).toContain(constraint);
    expect(letter.content).toMatchObject({ pattern: 'session.created', data: { eventId: poisonId } });

    // Only metering gave it up: the session service stored the open, and nothing billed it.
    expect(await countRows('session.sessions', 'id = $1', [poisonId])).toBe(1);
    expect(await billed(tenant.tenant_id, poisonId)).toBe(0);
    // Given up once, by one consumer: not redelivered any more.
    await new Promise((r) => setTimeout(r, 1_500));
    expect((await peekDeadLetters()).filter((m) => m.messageId === poisonId)).toHaveLength(1);
  });
});
