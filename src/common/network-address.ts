import { isIPv4, isIPv6 } from 'node:net';

/** An IP address as a number, so that ranges are plain prefix comparisons. */
export interface IpAddress {
  family: 4 | 6;
  value: bigint;
}

/** An address range (`10.0.0.0/8`); a bare address is a range of one. */
export interface IpRange {
  family: 4 | 6;
  base: bigint;
  prefix: number;
}

const BITS = { 4: 32, 6: 128 } as const;

function parseIpv4(text: string): bigint {
  return text.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

function parseIpv6(text: string): bigint {
  let rest = text;
  let tail: bigint[] = [];
  // A trailing dotted quad (::ffff:1.2.3.4) stands for the last two groups.
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(rest);
  if (quad?.[1] !== undefined) {
    const v4 = parseIpv4(quad[1]);
    tail = [v4 >> 16n, v4 & 0xffffn];
    rest = rest.slice(0, -quad[1].length);
    if (rest.endsWith(':') && !rest.endsWith('::')) rest = rest.slice(0, -1);
  }
  const [head, after] = rest.includes('::') ? rest.split('::') : [rest, undefined];
  const groups = (part: string | undefined): bigint[] =>
    part === undefined || part === '' ? [] : part.split(':').map((g) => BigInt(`0x${g}`));
  const left = groups(head);
  const right = [...groups(after), ...tail];
  const missing = 8 - left.length - right.length;
  const all =
    after === undefined
      ? [...left, ...tail]
      : [...left, ...Array<bigint>(missing).fill(0n), ...right];
  return all.reduce((acc, group) => (acc << 16n) | group, 0n);
}

/** Parses an IPv4 or IPv6 literal (brackets and an IPv6 zone are allowed); undefined otherwise. */
export function parseIp(text: string): IpAddress | undefined {
  const bare = text.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  if (isIPv4(bare)) return { family: 4, value: parseIpv4(bare) };
  if (isIPv6(bare)) return { family: 6, value: parseIpv6(bare) };
  return undefined;
}

/** Parses `address` or `address/prefix`; undefined when it is neither. */
export function parseIpRange(text: string): IpRange | undefined {
  const [addressText, prefixText, ...extra] = text.trim().split('/');
  if (addressText === undefined || extra.length > 0) return undefined;
  const address = parseIp(addressText);
  if (address === undefined) return undefined;
  const bits = BITS[address.family];
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (prefix > bits) return undefined;
  return { family: address.family, base: address.value >> BigInt(bits - prefix), prefix };
}

export function rangeContains(range: IpRange, address: IpAddress): boolean {
  if (range.family !== address.family) return false;
  return address.value >> BigInt(BITS[address.family] - range.prefix) === range.base;
}

function range(text: string): IpRange {
  const parsed = parseIpRange(text);
  if (parsed === undefined) throw new Error(`bad built-in range ${text}`);
  return parsed;
}

/**
 * Address space that is not the public internet (IANA's special-purpose registries). A server
 * that fetches URLs on someone's behalf must not reach these: they are the machine itself, the
 * private network behind it, and the cloud metadata service at 169.254.169.254.
 */
const NON_PUBLIC: [IpRange, string][] = [
  [range('0.0.0.0/8'), 'unspecified ("this network")'],
  [range('10.0.0.0/8'), 'private (RFC 1918)'],
  [range('100.64.0.0/10'), 'shared carrier-grade NAT space'],
  [range('127.0.0.0/8'), 'loopback'],
  [range('169.254.0.0/16'), 'link-local (including cloud metadata services)'],
  [range('172.16.0.0/12'), 'private (RFC 1918)'],
  [range('192.0.0.0/24'), 'reserved for protocol assignments'],
  [range('192.0.2.0/24'), 'reserved for documentation'],
  [range('192.88.99.0/24'), 'reserved (6to4 relay)'],
  [range('192.168.0.0/16'), 'private (RFC 1918)'],
  [range('198.18.0.0/15'), 'reserved for benchmarking'],
  [range('198.51.100.0/24'), 'reserved for documentation'],
  [range('203.0.113.0/24'), 'reserved for documentation'],
  [range('224.0.0.0/4'), 'multicast'],
  [range('240.0.0.0/4'), 'reserved (including broadcast)'],
  [range('::/128'), 'unspecified'],
  [range('::1/128'), 'loopback'],
  [range('::/96'), 'reserved (IPv4-compatible)'],
  [range('64:ff9b:1::/48'), 'private (local-use NAT64)'],
  [range('100::/64'), 'reserved (discard)'],
  [range('2001::/23'), 'reserved for protocol assignments'],
  [range('2001:db8::/32'), 'reserved for documentation'],
  [range('fc00::/7'), 'unique-local (private)'],
  [range('fe80::/10'), 'link-local'],
  [range('fec0::/10'), 'site-local (deprecated)'],
  [range('ff00::/8'), 'multicast'],
];

/** IPv6 forms that carry an IPv4 address, which is the one that gets reached. */
const MAPPED = range('::ffff:0:0/96');
const NAT64 = range('64:ff9b::/96');
const SIX_TO_FOUR = range('2002::/16');

export function embeddedIpv4(address: IpAddress): IpAddress | undefined {
  if (address.family !== 6) return undefined;
  if (rangeContains(MAPPED, address) || rangeContains(NAT64, address))
    return { family: 4, value: address.value & 0xffffffffn };
  if (rangeContains(SIX_TO_FOUR, address))
    return { family: 4, value: (address.value >> 80n) & 0xffffffffn };
  return undefined;
}

/** Why the address is not a public internet address, or undefined when it is one. */
export function nonPublicReason(address: IpAddress): string | undefined {
  const v4 = embeddedIpv4(address);
  if (v4 !== undefined) return nonPublicReason(v4);
  return NON_PUBLIC.find(([r]) => rangeContains(r, address))?.[1];
}
