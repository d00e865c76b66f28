import { createPublicKey, verify, type KeyObject } from 'node:crypto';

/** The editor's proof keys from its discovery XML: requests are signed with `current`; `old` during a key rotation. */
export interface ProofKeys {
  current: KeyObject;
  old: KeyObject | null;
}

/** What a WOPI request offers as proof. `url` is the full URL the editor called. */
export interface ProofInput {
  token: string;
  url: string;
  timestamp: string | undefined;
  proof: string | undefined;
  proofOld: string | undefined;
}

export type ProofVerdict = 'valid' | 'invalid' | 'stale';

/** .NET ticks (100 ns since 0001-01-01) at the Unix epoch. */
const EPOCH_TICKS = 621_355_968_000_000_000n;
const TICKS_PER_MS = 10_000n;
/** The protocol's limit on a proof's age (not a setting: the editors sign with this in mind). */
export const PROOF_MAX_AGE_MS = 20 * 60 * 1000;

export const ticksAt = (ms: number): bigint => BigInt(ms) * TICKS_PER_MS + EPOCH_TICKS;

/** An RSA public key from discovery's `modulus` and `exponent` (base64, big-endian). */
export function keyFromModulus(modulus: string, exponent: string): KeyObject {
  const n = stripLeadingZeros(Buffer.from(modulus, 'base64'));
  const e = stripLeadingZeros(Buffer.from(exponent, 'base64'));
  if (n.length < 64 || !e.length) throw new Error('proof key: modulus or exponent missing or too short');
  return createPublicKey({
    key: { kty: 'RSA', n: n.toString('base64url'), e: e.toString('base64url') },
    format: 'jwk',
  });
}

/**
 * An RSA public key from discovery's `value`: a CryptoAPI PUBLICKEYBLOB (base64). Layout:
 * BLOBHEADER (type 0x06, version 0x02, 2 reserved bytes, algorithm CALG_RSA_KEYX 0x0000A400 LE),
 * RSAPUBKEY ("RSA1", bit length LE, public exponent LE), then the modulus, little-endian.
 */
export function keyFromCryptoApiBlob(value: string): KeyObject {
  const blob = Buffer.from(value, 'base64');
  if (blob.length < 20 || blob[0] !== 0x06 || blob[1] !== 0x02 || blob.readUInt32LE(4) !== 0xa400) {
    throw new Error('proof key: value is not an RSA PUBLICKEYBLOB');
  }
  if (blob.toString('latin1', 8, 12) !== 'RSA1') throw new Error('proof key: value is not an RSA1 public key');
  const bits = blob.readUInt32LE(12);
  const modulusLength = bits / 8;
  if (!Number.isInteger(modulusLength) || blob.length !== 20 + modulusLength) {
    throw new Error('proof key: value has the wrong length for its modulus');
  }
  const exponent = Buffer.alloc(4);
  exponent.writeUInt32BE(blob.readUInt32LE(16));
  const modulus = Buffer.from(blob.subarray(20)).reverse();
  return keyFromModulus(modulus.toString('base64'), exponent.toString('base64'));
}

/** The bytes an editor signs: token, upper-cased URL and timestamp, each after its 4-byte big-endian length. */
export function proofBytes(token: string, url: string, ticks: bigint): Buffer {
  const field = (bytes: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    return [length, bytes];
  };
  const time = Buffer.alloc(8);
  time.writeBigInt64BE(ticks);
  return Buffer.concat([
    ...field(Buffer.from(token, 'utf8')),
    ...field(Buffer.from(url.toUpperCase(), 'utf8')),
    ...field(time),
  ]);
}

/**
 * The protocol's check: the timestamp is at most 20 minutes old, and X-WOPI-Proof verifies with
 * the current key, or X-WOPI-ProofOld with the current key (the editor rotated its key and we
 * have the new one), or X-WOPI-Proof with the old key (we have not seen the rotation... yet, or
 * the editor still signs with it). RSA-SHA256, PKCS#1 v1.5.
 */
export function verifyProof(keys: ProofKeys, input: ProofInput, nowMs: number): ProofVerdict {
  if (!input.timestamp || !/^\d{1,20}$/.test(input.timestamp)) return 'invalid';
  const ticks = BigInt(input.timestamp);
  if (ticks > 0x7fff_ffff_ffff_ffffn) return 'invalid';
  if (nowMs - Number((ticks - EPOCH_TICKS) / TICKS_PER_MS) > PROOF_MAX_AGE_MS) return 'stale';
  const data = proofBytes(input.token, input.url, ticks);
  const signedBy = (key: KeyObject | null, signature: string | undefined) => {
    if (!key || !signature) return false;
    try {
      return verify('sha256', data, key, Buffer.from(signature, 'base64'));
    } catch {
      return false; // a signature that is not even the key's length
    }
  };
  const valid =
    signedBy(keys.current, input.proof) || signedBy(keys.current, input.proofOld) || signedBy(keys.old, input.proof);
  return valid ? 'valid' : 'invalid';
}

function stripLeadingZeros(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  return bytes.subarray(start);
}
