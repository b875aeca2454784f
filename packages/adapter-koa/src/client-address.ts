import { isIPv4, isIPv6 } from 'node:net';

/**
 * The address a rate limit counts a client by. An IPv4 address (also when written as an
 * IPv4-mapped IPv6 address) is itself; an IPv6 address is its /64 network, because one host
 * is routinely given a whole /64 and could otherwise take a fresh address for every request.
 * Anything else (no address, a unix socket) is counted as it is.
 */
export function addressKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (isIPv4(ip) || !isIPv6(ip)) return ip;
  return `${ipv6Groups(ip).slice(0, 4).join(':')}::/64`;
}

/** The eight groups of an IPv6 address, each in lower case without leading zeros. */
function ipv6Groups(ip: string): string[] {
  const [head = '', tail] = ip.toLowerCase().split('%')[0]!.split('::');
  const part = (text: string) => (text ? text.split(':') : []);
  const left = part(head);
  const right = tail === undefined ? [] : part(tail);
  // An embedded IPv4 tail (::1.2.3.4) stands for two groups; the /64 prefix never reaches it.
  const missing = 8 - left.length - right.length;
  const groups = [...left, ...Array<string>(Math.max(0, missing)).fill('0'), ...right];
  return groups.map((group) => (/^[0-9a-f]+$/.test(group) ? group.replace(/^0+(?=.)/, '') : group));
}
