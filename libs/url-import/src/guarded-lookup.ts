import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import type { AddressPolicy } from './address-policy';
import { blockedAddressError, networkError } from './errors';

/**
 * A `lookup` for http(s).request that resolves every address of the host and refuses the connection
 * when any of them is blocked. Because the socket connects to exactly the address returned here, the
 * address checked is the address connected to: a DNS answer cannot change between check and use.
 */
export function guardedLookup(policy: AddressPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(networkError(err), []);
      if (addresses.length === 0) return callback(networkError(Object.assign(new Error(), { code: 'ENOTFOUND' })), []);
      // Refusing when ANY address is blocked (not just the first) keeps Happy Eyeballs from falling back to it.
      if (addresses.some((a) => policy.isBlockedAddress(a.address))) return callback(blockedAddressError(), []);
      // net asks for all addresses when autoSelectFamily is on, and for a single one otherwise.
      if (options.all) return callback(null, addresses);
      const first = addresses[0];
      callback(null, first.address, first.family);
    });
  };
}
