import { JobQueue } from '@docsession/contracts';
import { api } from './support/api';
import { e2eState } from './support/state';

const basic = (password: string) => `Basic ${Buffer.from(`operator:${password}`).toString('base64')}`;

/** Bull Board at /admin/queues (API.md "Operations"), behind the admin token. */
describe('the queue dashboard', () => {
  const { adminToken } = e2eState();

  it('answers 401 without the admin token, asking a browser for Basic credentials', async () => {
    for (const path of ['/admin/queues', '/admin/queues/api/queues', '/admin/queues/static/favicon-32x32.png']) {
      for (const authorization of [undefined, 'Bearer wrong-token-wrong-token', basic('wrong-token-wrong-token')]) {
        const res = await api('GET', path, { headers: authorization ? { authorization } : {} });
        expect({ path, authorization, status: res.status }).toEqual({ path, authorization, status: 401 });
        expect(res.body.error.code).toBe('unauthorized');
        expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
      }
    }
  });

  it('opens with the token as Bearer and as the Basic password, and lists every queue', async () => {
    for (const authorization of [`Bearer ${adminToken}`, basic(adminToken)]) {
      const page = await api('GET', '/admin/queues', { headers: { authorization } });
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      const listed = await api('GET', '/admin/queues/api/queues', { headers: { authorization } });
      expect(listed.status).toBe(200);
      const names = (listed.body.queues as { name: string }[]).map((q) => q.name).sort();
      expect(names).toEqual(Object.values(JobQueue).sort());
    }
  });
});
