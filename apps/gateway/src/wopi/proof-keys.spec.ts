import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { keyFromCryptoApiBlob, keyFromModulus, proofBytes, ticksAt, verifyProof, type ProofKeys } from './proof-keys';

function rsaPair() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = publicKey.export({ format: 'jwk' });
  return {
    privateKey,
    modulus: Buffer.from(jwk.n!, 'base64url').toString('base64'),
    exponent: Buffer.from(jwk.e!, 'base64url').toString('base64'),
  };
}

/** A CryptoAPI PUBLICKEYBLOB, as Collabora and ONLYOFFICE publish it in `value`. */
function cryptoApiBlob(modulus: string, exponent: string): string {
  const n = Buffer.from(modulus, 'base64');
  const e = Buffer.alloc(4);
  e.writeUInt32LE(Buffer.from(exponent, 'base64').readUIntBE(0, Buffer.from(exponent, 'base64').length));
  const head = Buffer.from([0x06, 0x02, 0x00, 0x00, 0x00, 0xa4, 0x00, 0x00, 0x52, 0x53, 0x41, 0x31]);
  const bits = Buffer.alloc(4);
  bits.writeUInt32LE(n.length * 8);
  return Buffer.concat([head, bits, e, Buffer.from(n).reverse()]).toString('base64');
}

const signed = (key: KeyObject, token: string, url: string, ticks: bigint) =>
  sign('sha256', proofBytes(token, url, ticks), key).toString('base64');

describe('proof keys', () => {
  const current = rsaPair();
  const old = rsaPair();
  const keys: ProofKeys = {
    current: keyFromModulus(current.modulus, current.exponent),
    old: keyFromModulus(old.modulus, old.exponent),
  };
  const token =
    'yZhdN1qgywcOQWhyEMVpB6NE3pvBksvcLXsrFKXNtBeDTPW%2fu62g2t%2fOCWSlb3jUGaz1zc%2fzOzbNgAredLdhQI1Q7sPPqUv2owO78olmN74DV%2fv52OZIkBG%2b8jqjwmUobcjXVIC1BG9g%3d%3d';
  const url = 'https://contoso.example/wopi/files/vHxYyRGM8VfmSGwGYDBMIQPzuE+sSC6kw+zWZw2Nyg?access_token=x';
  const now = Date.UTC(2026, 10, 27, 12, 0, 0);
  const ticks = ticksAt(now - 60_000);
  const input = (over: Partial<Parameters<typeof verifyProof>[1]> = {}) => ({
    token,
    url,
    timestamp: String(ticks),
    proof: undefined,
    proofOld: undefined,
    ...over,
  });

  it('lays out token, upper-cased URL and .NET ticks each behind a 4-byte big-endian length', () => {
    const bytes = proofBytes('ab', 'http://h/x', 0x0102030405060708n);
    expect(bytes.toString('hex')).toBe(
      '00000002' + '6162' + '0000000a' + Buffer.from('HTTP://H/X').toString('hex') + '00000008' + '0102030405060708',
    );
    expect(ticksAt(0)).toBe(621_355_968_000_000_000n);
  });

  it('accepts Proof with the current key, ProofOld with the current key, and Proof with the old key', () => {
    expect(verifyProof(keys, input({ proof: signed(current.privateKey, token, url, ticks) }), now)).toBe('valid');
    expect(
      verifyProof(keys, input({ proof: 'AAAA', proofOld: signed(current.privateKey, token, url, ticks) }), now),
    ).toBe('valid');
    expect(verifyProof(keys, input({ proof: signed(old.privateKey, token, url, ticks) }), now)).toBe('valid');
  });

  it('refuses ProofOld signed with the old key alone, another URL, token or time, and a stranger key', () => {
    const stranger = rsaPair();
    expect(verifyProof(keys, input({ proofOld: signed(old.privateKey, token, url, ticks) }), now)).toBe('invalid');
    expect(verifyProof(keys, input({ proof: signed(current.privateKey, token, `${url}2`, ticks) }), now)).toBe(
      'invalid',
    );
    expect(verifyProof(keys, input({ proof: signed(current.privateKey, 'other', url, ticks) }), now)).toBe('invalid');
    expect(verifyProof(keys, input({ proof: signed(current.privateKey, token, url, ticks + 1n) }), now)).toBe(
      'invalid',
    );
    expect(verifyProof(keys, input({ proof: signed(stranger.privateKey, token, url, ticks) }), now)).toBe('invalid');
    expect(verifyProof(keys, input({ proof: 'not base64 at all!' }), now)).toBe('invalid');
    expect(verifyProof(keys, input({ timestamp: undefined }), now)).toBe('invalid');
    expect(verifyProof(keys, input({ timestamp: '12ab' }), now)).toBe('invalid');
  });

  it('compares the URL case-insensitively, as the editor upper-cases it', () => {
    expect(verifyProof(keys, input({ proof: signed(current.privateKey, token, url.toUpperCase(), ticks) }), now)).toBe(
      'valid',
    );
  });

  it('calls a timestamp older than 20 minutes stale, even with a good signature', () => {
    const staleTicks = ticksAt(now - 20 * 60_000 - 1000);
    const proof = signed(current.privateKey, token, url, staleTicks);
    expect(verifyProof(keys, input({ timestamp: String(staleTicks), proof }), now)).toBe('stale');
  });

  it('reads the same key from the CryptoAPI blob in `value`', () => {
    const fromBlob = keyFromCryptoApiBlob(cryptoApiBlob(current.modulus, current.exponent));
    const der = (k: KeyObject) => k.export({ type: 'spki', format: 'der' }).toString('hex');
    expect(der(fromBlob)).toBe(der(keys.current));
    expect(() => keyFromCryptoApiBlob(Buffer.from('not a blob').toString('base64'))).toThrow('PUBLICKEYBLOB');
  });
});
