import type { IncomingMessage } from 'node:http';
import type { Request } from 'express';
import { parseIp } from '../network-address.js';

/** Express's compiled `trust proxy` setting: is the hop at `index` (0 = the peer) a proxy of ours? */
export type TrustProxy = (address: string, index: number) => boolean;

/**
 * What limits per client count by, derived from its address (kept in memory only, never stored
 * or logged). An IPv6 subscriber is normally given a whole /64 and may use any address in it, so
 * IPv6 counts by /64; an IPv4 address written as IPv6 (`::ffff:203.0.113.7`) is that IPv4 address.
 */
export function clientKey(address: string): string {
  const ip = parseIp(address);
  if (ip === undefined) return address;
  if (ip.family === 4) return `v4:${ip.value.toString(16)}`;
  if (ip.value >> 32n === 0xffffn) return `v4:${(ip.value & 0xffffffffn).toString(16)}`;
  return `v6:${(ip.value >> 64n).toString(16)}/64`;
}

/**
 * The client of a request (by `clientKey`), for in-memory rate limits. Behind a reverse proxy
 * every peer is the proxy, so limits per client would throttle everyone at once:
 * X-Forwarded-For is followed back through the hops `trust` accepts (TRUST_PROXY), and no
 * further, so a client cannot pick its own address by sending the header.
 */
export function clientKeyOf(req: IncomingMessage, trust: TrustProxy | undefined): string {
  const peer = req.socket.remoteAddress ?? 'unknown';
  if (trust === undefined) return clientKey(peer);
  const header = req.headers['x-forwarded-for'];
  const forwarded = typeof header === 'string' ? header.split(',').map((a) => a.trim()) : [];
  const chain = [peer, ...forwarded.reverse()];
  for (let i = 0; i < chain.length - 1; i += 1) {
    if (!trust(chain[i] as string, i)) return clientKey(chain[i] as string);
  }
  return clientKey(chain[chain.length - 1] as string);
}

/** The same for a request Express has seen: its `req.ip` already follows the setting. */
export function requestClientKey(req: Request): string {
  return clientKey(req.ip ?? req.socket.remoteAddress ?? 'unknown');
}
