import { createHmac } from 'node:crypto';
import { webhookSecret } from './credentials';
import { signatureOf } from './webhook-signature';

describe('signatureOf', () => {
  it('is sha256=<hex HMAC-SHA256 of the raw body> under the tenant’s webhook secret', () => {
    const secret = webhookSecret('k'.repeat(32), '6a3e1d62-0d4c-4d7e-9a53-1f1d0c7b7a11', 1);
    const body = Buffer.from('{"type":"usage.alert"}');
    const signature = signatureOf(secret, body);
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(signature).toBe(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
    expect(signatureOf(secret, body.toString())).toBe(signature);
  });

  it('changes with the body and with the secret’s version', () => {
    const v1 = webhookSecret('k'.repeat(32), 't', 1);
    const v2 = webhookSecret('k'.repeat(32), 't', 2);
    expect(signatureOf(v1, 'a')).not.toBe(signatureOf(v1, 'b'));
    expect(signatureOf(v1, 'a')).not.toBe(signatureOf(v2, 'a'));
  });
});
