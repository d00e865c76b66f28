import { isIP } from 'node:net';
import type { AddressPolicy } from './address-policy';
import { blockedAddressError, UrlImportError } from './errors';

/**
 * Parses and vets a URL before any request is made to it: the user's URL, and every redirect Location
 * (resolved against the URL that answered with it). Host names are vetted again at connection time by
 * the guarded lookup; literal IPs never go through a lookup, so they are checked here.
 */
export function validateTarget(raw: string, policy: AddressPolicy, base?: URL): URL {
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    throw new UrlImportError('invalid_url', 'The URL is not valid.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UrlImportError('scheme', 'Only http and https URLs can be imported.');
  }
  if (url.username || url.password) {
    throw new UrlImportError('invalid_url', 'URLs with a user name or password are not accepted.');
  }
  const host = hostOf(url);
  if (!host) throw new UrlImportError('invalid_url', 'The URL has no host.');
  if (isIP(host) ? policy.isBlockedAddress(host) : policy.isBlockedHostname(host)) throw blockedAddressError();
  url.hash = ''; // never sent to the server, and it would defeat redirect-loop detection
  return url;
}

/** The host to connect to: IPv6 literals lose their brackets so isIP/http.request see the bare address. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}
