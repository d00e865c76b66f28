import { api, eventually, newTenant, openText } from './support/api';
import { countRows, query } from './support/database';
import { e2eState } from './support/state';

const MAX_DELIVERIES = 5; // EVENT_MAX_DELIVERIES' default, which the e2e run keeps

interface DeadLetterView {
  dead_letter_id: string;
  event_id: string | null;
  pattern: string | null;
  queue: string | null;
  deliveries: number;
  last_error: string | null;
  dead_lettered_at: string | null;
}

const admin = () => ({ key: e2eState().adminToken });
const listed = async (): Promise<{ dead_letters: DeadLetterView[]; total: number }> => {
  const res = await api('GET', '/v1/admin/dead-letters?limit=1000', admin());
  expect(res.status).toBe(200);
  return res.body;
};

/**
 * The operator's side of poison messages: a dead letter is listed with its last error, and
 * once its cause is fixed, a replay puts it back on the queue that gave it up, where it is
 * processed — once.
 */
describe('dead letters', () => {
  const poisonUser = `replayed-${e2eState().runId}`;
  const constraint = `replay_${e2eState().runId.replace(/\W/g, '_')}`;

  beforeAll(async () => {
    // The cause: a constraint the ledger breaks for one user only, so metering fails on that event alone.
    await query(
      `ALTER TABLE metering.billable_calls ADD CONSTRAINT ${constraint} CHECK (user_id IS DISTINCT FROM '${poisonUser}')`,
    );
  });
  afterAll(async () => {
    await query(`ALTER TABLE metering.billable_calls DROP CONSTRAINT IF EXISTS ${constraint}`);
  });

  it('are listed with their last error, and a replay after the fix is processed once', async () => {
    const tenant = await newTenant();
    const open = await openText(tenant.api_key, 'poison', { user: { id: poisonUser } });
    expect(open.status).toBe(201);
    const eventId = open.body.session_id as string;
    const billed = () =>
      countRows('metering.billable_calls', 'tenant_id = $1 AND event_id = $2', [tenant.tenant_id, eventId]);

    const letter = await eventually(
      async () => (await listed()).dead_letters.find((d) => d.event_id === eventId),
      30_000,
      'the poison message listed among the dead letters',
    );
    expect(letter).toMatchObject({
      pattern: 'session.created',
      queue: `${e2eState().env.NAMESPACE}.metering.events`,
      deliveries: MAX_DELIVERIES,
    });
    expect(letter.last_error).toContain(constraint);
    expect(Date.parse(letter.dead_lettered_at!)).toBeGreaterThan(Date.now() - 60_000);
    expect(await billed()).toBe(0);

    // The operator API only: no token, no dead letters.
    expect((await api('GET', '/v1/admin/dead-letters', { key: tenant.api_key })).status).toBe(401);
    expect((await api('POST', `/v1/admin/dead-letters/${letter.dead_letter_id}/replay`, {})).status).toBe(401);

    await query(`ALTER TABLE metering.billable_calls DROP CONSTRAINT ${constraint}`);
    const replay = await api('POST', `/v1/admin/dead-letters/${letter.dead_letter_id}/replay`, admin());
    expect(replay.status).toBe(202);
    expect(replay.body).toEqual({ replayed: true, dead_letter: letter });

    await eventually(async () => ((await billed()) === 1 ? true : undefined), 10_000, 'the replayed event billed');
    expect((await listed()).dead_letters.some((d) => d.event_id === eventId)).toBe(false);
    // Processed once, and gone from the dead letters: a second replay finds nothing.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await billed()).toBe(1);
    expect(await countRows('session.sessions', 'id = $1', [eventId])).toBe(1);
    const again = await api('POST', `/v1/admin/dead-letters/${letter.dead_letter_id}/replay`, admin());
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe('not_found');
  });

  it('refuses a listing limit out of bounds', async () => {
    const res = await api('GET', '/v1/admin/dead-letters?limit=0', admin());
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
  });
});
