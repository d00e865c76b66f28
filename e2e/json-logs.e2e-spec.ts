import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { api, eventually } from './support/api';
import { IsolatedSystem } from './support/isolated-system';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface LogLine {
  process: string;
  fields: Record<string, unknown>;
}

/** The service log lines of the system (`[process] <line>`) that are JSON objects. */
function jsonLines(path: string): LogLine[] {
  const lines: LogLine[] = [];
  for (const raw of readFileSync(path, 'utf8').split('\n')) {
    const match = /^\[([^\]]+)\] (\{.*\})$/.exec(raw);
    if (!match) continue;
    try {
      lines.push({ process: match[1], fields: JSON.parse(match[2]) as Record<string, unknown> });
    } catch {
      // not one of ours
    }
  }
  return lines;
}

/** LOG_FORMAT=json at the most talkative level: one id through all four services, and no secret in any line. */
describe('JSON logs with request ids', () => {
  let sys: IsolatedSystem;

  beforeAll(async () => {
    sys = await IsolatedSystem.start('logs', { LOG_FORMAT: 'json', LOG_LEVEL: 'verbose' });
  }, 120_000);
  afterAll(() => sys?.stop(), 60_000);

  it("one grep of an open's X-Request-Id finds it in gateway, session, metering and worker; no key, token or content is logged", async () => {
    const tenant = await api('POST', `${sys.baseUrl}/v1/admin/tenants`, {
      key: sys.t.adminToken,
      json: { name: 'logs', webhook_url: 'https://partner.example/hooks' },
    });
    expect(tenant.status).toBe(201);
    const { api_key: apiKey, webhook_secret: webhookSecret } = tenant.body;
    const content = `confidential-${randomBytes(8).toString('hex')}`;
    const requestId = `trace-${randomBytes(6).toString('hex')}`;

    const traced = await api('POST', `${sys.baseUrl}/v1/documents`, {
      key: apiKey,
      headers: { 'x-request-id': requestId },
      json: { content_base64: Buffer.from(content).toString('base64'), ttl_seconds: 2, document: { name: 'a.txt' } },
    });
    expect(traced.status).toBe(201);
    expect(traced.headers.get('x-request-id')).toBe(requestId);

    // Without one, or with one that is not acceptable (too long), the gateway makes one up.
    const form = new FormData();
    form.set('file', new Blob([content], { type: 'text/plain' }), 'b.txt');
    const generated = await api('POST', `${sys.baseUrl}/v1/documents`, {
      headers: { 'x-api-key': apiKey, 'x-request-id': 'x'.repeat(129) },
      body: form,
    });
    expect(generated.status).toBe(201);
    expect(generated.headers.get('x-request-id')).toMatch(UUID);
    // Refusals carry it too, and are logged without the key they refused.
    const refused = await api('GET', `${sys.baseUrl}/v1/usage`, { key: `${apiKey}x` });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('x-request-id')).toMatch(UUID);

    // The session page, its content and a heartbeat: the token is in their paths.
    const tokens = [traced.body.document_url, generated.body.document_url].map((u: string) => u.split('/').pop()!);
    expect((await fetch(generated.body.document_url)).status).toBe(200);
    expect((await fetch(`${generated.body.document_url}/content`)).status).toBe(200);
    // The first heartbeat arms the session's idle check: a job caused by that request, named by its id.
    const beatId = `trace-beat-${randomBytes(6).toString('hex')}`;
    const beat = await fetch(`${generated.body.document_url}/heartbeat`, {
      method: 'POST',
      headers: { 'x-request-id': beatId },
    });
    expect(beat.status).toBe(204);
    const idle = await eventually(
      async () => (await sys.queue('session-idle').getJob(`idle-${generated.body.session_id}`)) ?? undefined,
      5_000,
      'the idle check',
    );
    expect(idle.data).toEqual({ sessionId: generated.body.session_id, requestId: beatId });

    // A request the gateway answers through the session service (RPC): that service logs under its id too.
    const deleteId = `trace-delete-${randomBytes(6).toString('hex')}`;
    const deleted = await api('DELETE', `${sys.baseUrl}/v1/sessions/${generated.body.session_id}`, {
      key: apiKey,
      headers: { 'x-request-id': deleteId },
    });
    expect(deleted.status).toBe(200);

    // The traced open expires (2 s): the worker's expiry job runs as part of the open's request.
    await eventually(
      async () => {
        const [row] = await sys.query<{ status: string }>(`SELECT status FROM session.sessions WHERE id = $1`, [
          traced.body.session_id,
        ]);
        return row?.status === 'expired' ? true : undefined;
      },
      15_000,
      'the traced session to expire',
    );
    const lines = await eventually(
      async () => {
        const all = jsonLines(sys.logPath);
        const services = new Set(all.filter((l) => l.fields.request_id === requestId).map((l) => l.fields.service));
        return ['gateway', 'session', 'metering', 'worker'].every((s) => services.has(s)) ? all : undefined;
      },
      10_000,
      'log lines of the traced open in all four services',
    );

    const deletion = lines.filter((l) => l.fields.request_id === deleteId);
    expect(deletion.filter((l) => l.fields.service === 'session').map((l) => l.fields.msg)).toEqual(
      expect.arrayContaining([`session ${generated.body.session_id} ended: closed (deleted_by_api)`]),
    );
    expect(lines.length).toBeGreaterThan(20);
    for (const { process, fields } of lines) {
      expect({ process, service: typeof fields.service, level: typeof fields.level, msg: typeof fields.msg }).toEqual({
        process,
        service: 'string',
        level: 'string',
        msg: 'string',
      });
      expect(new Date(fields.time as string).toISOString()).toBe(fields.time);
    }
    expect(new Set(lines.map((l) => l.fields.level))).toContain('debug');

    const text = readFileSync(sys.logPath, 'utf8');
    const secrets = {
      apiKey,
      adminToken: sys.t.adminToken,
      webhookSecret,
      content,
      contentBase64: Buffer.from(content).toString('base64'),
      ...Object.fromEntries(tokens.map((t, i) => [`sessionToken${i}`, t])),
    };
    for (const [name, secret] of Object.entries(secrets)) {
      expect({ name, logged: text.includes(secret) }).toEqual({ name, logged: false });
    }
  }, 60_000);
});
