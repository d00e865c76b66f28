import { randomUUID } from 'node:crypto';
import { api, newTenant, openText } from './support/api';
import { page, sleep } from './support/page';

const AMELIA = { id: 'u-host', display_name: 'Amelia' };
const BO = { id: 'u-guest', display_name: 'Bo' };

/** The instant a step took place in, to check a time the server recorded for it (same clock; ms precision). */
async function during<T>(step: () => Promise<T>): Promise<{ result: T; from: number; to: number }> {
  const from = Date.now();
  const result = await step();
  return { result, from, to: Date.now() };
}

function expectWithin(iso: string | null, window: { from: number; to: number }) {
  expect(iso).not.toBeNull();
  const at = Date.parse(iso!);
  expect(at).toBeGreaterThanOrEqual(window.from);
  expect(at).toBeLessThanOrEqual(window.to);
}

describe('session details: host and attendees', () => {
  let key: string;
  beforeAll(async () => {
    key = (await newTenant()).api_key;
  });

  const sessionsOf = async (documentId: string) => {
    const res = await api('GET', `/v1/documents/${documentId}/sessions`, { key });
    expect(res.status).toBe(200);
    return res.body;
  };
  /**
   * Opens another session, and reads it back by id: that stores it even when the session service's
   * consumer is behind (read-your-writes), so the document's lists include it from then on.
   */
  const join = async (documentId: string, json: object) => {
    const res = await api('POST', `/v1/documents/${documentId}/sessions`, { key, json });
    expect(res.status).toBe(201);
    expect((await api('GET', `/v1/sessions/${res.body.session_id}`, { key })).status).toBe(200);
    return res.body;
  };
  const byId = (list: { sessions: { session_id: string }[] }, id: string): any =>
    list.sessions.find((s) => s.session_id === id);

  it('names the first session’s user as host, and records when each attendee joined, was seen and left', async () => {
    const { body: host } = await openText(key, 'minutes', { user: AMELIA });
    expect(host).toMatchObject({ is_host: true, opened_at: null, last_seen_at: null, closed_at: null });
    const guest = await join(host.document_id, { user: BO });
    expect(guest).toMatchObject({ is_host: false, user: BO, last_seen_at: null });

    let list = await sessionsOf(host.document_id);
    expect(list).toMatchObject({ host: AMELIA, collaborators_count: 2, active_sessions_count: 2, sessions_count: 2 });
    expect(list.sessions.map((s: { session_id: string }) => s.session_id)).toEqual([guest.session_id, host.session_id]);
    expect(list.sessions[0]).toEqual(guest); // what the 201 said is what is stored

    // The host's page loads: opened and seen then.
    const hostLoad = await during(() => page.load(host.document_url));
    expect(hostLoad.result.status).toBe(200);
    list = await sessionsOf(host.document_id);
    expectWithin(byId(list, host.session_id).opened_at, hostLoad);
    expectWithin(byId(list, host.session_id).last_seen_at, hostLoad);
    expect(byId(list, guest.session_id)).toMatchObject({ status: 'inactive', opened_at: null, last_seen_at: null });

    // Later the guest's page loads, and the host's heartbeat moves its last_seen_at (opened_at stays).
    await sleep(50);
    const guestLoad = await during(() => page.load(guest.document_url));
    const beat = await during(() => page.heartbeat(host.document_url));
    expect(beat.result.status).toBe(204);
    list = await sessionsOf(host.document_id);
    expectWithin(byId(list, guest.session_id).opened_at, guestLoad);
    expectWithin(byId(list, host.session_id).last_seen_at, beat);
    expectWithin(byId(list, host.session_id).opened_at, hostLoad);

    // The host opens a second session: still the host's, still two people.
    const again = await join(host.document_id, { user: AMELIA });
    expect(again.is_host).toBe(true);
    list = await sessionsOf(host.document_id);
    expect(byId(list, again.session_id).is_host).toBe(true);
    expect(list).toMatchObject({ collaborators_count: 2, active_sessions_count: 3, sessions_count: 3 });

    // The guest leaves: closed then, seen last before; it still counts among the collaborators.
    await sleep(50);
    const leave = await during(() => api('DELETE', `/v1/sessions/${guest.session_id}`, { key }));
    expect(leave.result.status).toBe(200);
    list = await sessionsOf(host.document_id);
    const left = byId(list, guest.session_id);
    expect(left).toMatchObject({ status: 'closed', close_reason: 'deleted_by_api', is_host: false });
    expectWithin(left.closed_at, leave);
    expectWithin(left.last_seen_at, guestLoad);
    expect(list).toMatchObject({ host: AMELIA, collaborators_count: 2, active_sessions_count: 2, sessions_count: 3 });

    // The document: the same figures, and its collaborators are the sessions still open.
    const doc = await api('GET', `/v1/documents/${host.document_id}`, { key });
    expect(doc.status).toBe(200);
    expect(doc.body).toMatchObject({
      host: AMELIA,
      collaborators_count: 2,
      active_sessions_count: 2,
      sessions_count: 3,
    });
    expect(doc.body.collaborators).toEqual([
      {
        session_id: again.session_id,
        status: 'inactive',
        host: true,
        user: AMELIA,
        is_host: true,
        opened_at: null,
        last_seen_at: null,
        closed_at: null,
        close_reason: null,
      },
      {
        session_id: host.session_id,
        status: 'active',
        host: true,
        user: AMELIA,
        is_host: true,
        opened_at: byId(list, host.session_id).opened_at,
        last_seen_at: byId(list, host.session_id).last_seen_at,
        closed_at: null,
        close_reason: null,
      },
    ]);

    // Everyone leaves: the figures stay, as the audit trail does.
    await api('DELETE', `/v1/documents/${host.document_id}`, { key });
    list = await sessionsOf(host.document_id);
    expect(list).toMatchObject({ host: AMELIA, collaborators_count: 2, active_sessions_count: 0, sessions_count: 3 });
    expect(list.sessions.every((s: { closed_at: string | null }) => s.closed_at !== null)).toBe(true);
  });

  it('counts each session without a user id as a collaborator of its own; the host may be nobody', async () => {
    const { body: first } = await openText(key, 'anonymous');
    await join(first.document_id, {});
    await join(first.document_id, { user: { display_name: 'Cy' } });
    const list = await sessionsOf(first.document_id);
    expect(list).toMatchObject({ host: null, collaborators_count: 3, sessions_count: 3 });
    const hosts = list.sessions.filter((s: { is_host: boolean }) => s.is_host);
    expect(hosts.map((s: { session_id: string }) => s.session_id)).toEqual([first.session_id]);
  });

  it('answers an unknown document, or another tenant’s, with the contract’s 404 and nothing of it', async () => {
    const { body: mine } = await openText(key, 'private', { user: AMELIA });
    const other = (await newTenant()).api_key;
    const unknown = randomUUID();
    const answers = [
      await api('GET', `/v1/documents/${mine.document_id}/sessions`, { key: other }),
      await api('GET', `/v1/documents/${mine.document_id}`, { key: other }),
      await api('GET', `/v1/documents/${unknown}/sessions`, { key }),
      await api('GET', `/v1/documents/${unknown}`, { key }),
    ];
    for (const res of answers) {
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
      expect(res.text).not.toContain(mine.document_id);
      expect(res.text).not.toContain(AMELIA.id);
    }
    // Another tenant's document answers exactly as one that does not exist.
    expect(answers[0].body).toEqual(answers[2].body);
    expect(answers[1].body).toEqual(answers[3].body);
  });
});
