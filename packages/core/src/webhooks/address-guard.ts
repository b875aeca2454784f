import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/** An address a host name resolved to. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to every address it has (node's `dns.lookup` by default). */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

/** Where a delivery may connect (every address, tried in turn), or why it may not. */
export type Vetted = { ok: true; addresses: ResolvedAddress[] } | { ok: false; reason: string };

// Everything a request from the server must not reach unless the host allows it: the
// server itself, its networks, the cloud metadata service (169.254.169.254), and ranges
// that are not routable on the internet. IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) match
// the IPv4 ranges: node's BlockList checks them as the IPv4 address they carry.
const PRIVATE_V4: Array<[string, number]> = [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
];
const PRIVATE_V6: Array<[string, number]> = [
  ['::', 96], // unspecified, loopback, IPv4-compatible
  ['64:ff9b::', 96], // NAT64: reaches IPv4 addresses through a gateway
  ['64:ff9b:1::', 48], // local-use NAT64
  ['100::', 64], // discard
  ['2001::', 32], // Teredo: carries an IPv4 address
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4: carries an IPv4 address
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated, still private)
  ['ff00::', 8], // multicast
];

const privateRanges = new BlockList();
for (const [network, prefix] of PRIVATE_V4) privateRanges.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of PRIVATE_V6) privateRanges.addSubnet(network, prefix, 'ipv6');

const systemResolver: Resolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map(({ address, family }) => ({
    address,
    family: family === 6 ? 6 : 4,
  }));

/** The allowlist: addresses and ranges, and host names allowed whatever they resolve to. */
function allowList(allow: string[]): { ranges: BlockList; hosts: Set<string> } {
  const ranges = new BlockList();
  const hosts = new Set<string>();
  for (const entry of allow) {
    const [network, prefix] = entry.split('/');
    const family = isIP(network ?? '');
    if (family === 0) {
      hosts.add(entry.toLowerCase());
      continue;
    }
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) ranges.addAddress(network!, type);
    else ranges.addSubnet(network!, Number(prefix), type);
  }
  return { ranges, hosts };
}

/**
 * Vets a delivery's URL before each request (SSRF): resolves its host and refuses it when any
 * address is private or reserved and not allowed. The request then connects to the addresses
 * vetted here, so a DNS answer that changes in between (rebinding) cannot redirect it.
 */
export function createAddressGuard(
  allowPrivateNetworks: boolean | string[] = false,
  resolve: Resolver = systemResolver,
): (url: URL) => Promise<Vetted> {
  const allowed = Array.isArray(allowPrivateNetworks) ? allowList(allowPrivateNetworks) : null;
  const allowsAll = allowPrivateNetworks === true;
  return async (url) => {
    // URL has already put odd IPv4 forms (0x7f.1, 2130706433) into dotted form.
    const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
    const literal = isIP(hostname);
    const addresses: ResolvedAddress[] = literal
      ? [{ address: hostname, family: literal === 6 ? 6 : 4 }]
      : await resolve(hostname);
    if (addresses.length === 0) return { ok: false, reason: `${hostname} has no address` };
    const hostAllowed = allowsAll || (allowed?.hosts.has(hostname) ?? false);
    for (const { address, family } of addresses) {
      const type = family === 6 ? 'ipv6' : 'ipv4';
      if (hostAllowed || !privateRanges.check(address, type)) continue;
      if (allowed?.ranges.check(address, type)) continue;
      return {
        ok: false,
        reason:
          `Refused: ${hostname}${literal ? '' : ` resolves to ${address}, which`} is a private ` +
          'or reserved address (allow it with allowPrivateNetworks)',
      };
    }
    return { ok: true, addresses };
  };
}
