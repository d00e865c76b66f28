import { AdminCredential, presentedAdminToken } from './admin-credential';

const basic = (userAndPassword: string) => `Basic ${Buffer.from(userAndPassword).toString('base64')}`;

describe('the operator credential', () => {
  it('is the Bearer token, or the password of HTTP Basic with any user name', () => {
    expect(presentedAdminToken('Bearer s3cret-token')).toBe('s3cret-token');
    expect(presentedAdminToken(basic('prometheus:s3cret-token'))).toBe('s3cret-token');
    expect(presentedAdminToken(basic(':s3cret:with:colons'))).toBe('s3cret:with:colons');
  });

  it('is nothing without a password, or in another scheme', () => {
    for (const header of [undefined, '', 'Bearer', basic('user'), basic('user:'), 'Digest abc', 'Basic %%%']) {
      expect({ header, token: presentedAdminToken(header) }).toEqual({ header, token: null });
    }
  });

  it('matches the admin token only', () => {
    const credential = new AdminCredential('the-admin-token-0123');
    expect(credential.matches({ authorization: 'Bearer the-admin-token-0123' })).toBe(true);
    expect(credential.matches({ authorization: basic('ops:the-admin-token-0123') })).toBe(true);
    expect(credential.matches({ authorization: 'Bearer the-admin-token-012' })).toBe(false);
    expect(credential.matches({})).toBe(false);
  });
});
