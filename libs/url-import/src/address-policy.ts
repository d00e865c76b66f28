import { BlockList, isIP } from 'node:net';

/**
 * Decides which destinations an import may connect to. Injected (rather than hard-wired) so tests can
 * reach a local server on the first hop and still exercise the real checks on later hops.
 */
export interface AddressPolicy {
  /** True when connecting to this IP address must be refused. */
  isBlockedAddress(ip: string): boolean;
  /** True when this host name must be refused before it is even resolved. */
  isBlockedHostname(hostname: string): boolean;
}

// Special-purpose IPv4 ranges (RFC 6890 and friends) that must never be reachable from a user-named URL.
const IPV4_BLOCKED: ReadonlyArray<readonly [string, number]> = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4], // includes 255.255.255.255
];

// IPv4-mapped (::ffff:0:0/96) and NAT64 (64:ff9b::/96) are not listed: their embedded IPv4 address is checked instead.
const IPV6_BLOCKED: ReadonlyArray<readonly [string, number]> = [
  ['::', 96], // ::, ::1 and the deprecated IPv4-compatible ::a.b.c.d, which no public host uses
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['2001:db8::', 32],
  // Whole ranges whose traffic a relay or translator forwards to an address the name does not
  // show: local-use NAT64 (RFC 8215, any IPv4 behind a site's own translator), 6to4 and Teredo
  // (an embedded IPv4 reached through a public relay, private ones included).
  ['64:ff9b:1::', 48],
  ['2002::', 16],
  ['2001::', 32],
];

const blockList = new BlockList();
for (const [net, prefix] of IPV4_BLOCKED) blockList.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of IPV6_BLOCKED) blockList.addSubnet(net, prefix, 'ipv6');

/** True when `ip` is loopback, private, link-local, reserved or otherwise not a public unicast address. Non-IPs are blocked. */
export function isBlockedAddress(ip: string): boolean {
  // A zone id (fe80::1%eth0) only ever accompanies link-local addresses; drop it for the range check.
  const address = ip.replace(/%.*$/, '');
  const version = isIP(address);
  if (version === 4) return blockList.check(address, 'ipv4');
  if (version !== 6) return true; // fail closed on anything that is not an IP
  const embedded = embeddedIpv4(address);
  if (embedded !== null) return isBlockedAddress(embedded);
  return blockList.check(address, 'ipv6');
}

/** The IPv4 address carried by an IPv4-mapped (::ffff:a.b.c.d) or NAT64 (64:ff9b::a.b.c.d) address, else null. */
function embeddedIpv4(ipv6: string): string | null {
  const groups = ipv6Groups(ipv6);
  const prefix = groups.slice(0, 6).join(':');
  if (prefix !== '0:0:0:0:0:65535' && prefix !== '100:65435:0:0:0:0') return null;
  const [high, low] = [groups[6], groups[7]];
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}

/** The eight 16-bit groups of a valid IPv6 address; the URL parser normalises dotted-quad tails to hex for us. */
function ipv6Groups(ipv6: string): number[] {
  const normalised = new URL(`http://[${ipv6}]/`).hostname.slice(1, -1);
  const [head, tail] = normalised.split('::');
  const parse = (part: string | undefined): number[] => (part ? part.split(':').map((g) => parseInt(g, 16)) : []);
  const headGroups = parse(head);
  if (tail === undefined) return headGroups;
  const tailGroups = parse(tail);
  return [...headGroups, ...new Array<number>(8 - headGroups.length - tailGroups.length).fill(0), ...tailGroups];
}

/** Names that point at the machine itself or at cloud metadata, refused without asking DNS. */
export function isBlockedHostname(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost') || name === 'metadata.google.internal';
}

/** Production policy: only public addresses. */
export const PUBLIC_ONLY: AddressPolicy = { isBlockedAddress, isBlockedHostname };

/** Test-only policy (allowPrivateAddresses): everything is allowed, local servers included. */
export const ALLOW_ALL: AddressPolicy = { isBlockedAddress: () => false, isBlockedHostname: () => false };
