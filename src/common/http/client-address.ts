import type { IncomingMessage } from 'node:http';
import type { Request } from 'express';

/** Express's compiled `trust proxy` setting: is the hop at `index` (0 = the peer) a proxy of ours? */
export type TrustProxy = (address: string, index: number) => boolean;

/**
 * The address a request came from, for in-memory rate limits only (never stored or logged).
 * Behind a reverse proxy every peer is the proxy, so limits per address would throttle everyone
 * at once: X-Forwarded-For is followed back through the hops `trust` accepts (TRUST_PROXY),
 * and no further, so a client cannot pick its own address by sending the header.
 */
export function clientAddressOf(req: IncomingMessage, trust: TrustProxy): string {
  const header = req.headers['x-forwarded-for'];
  const forwarded = typeof header === 'string' ? header.split(',').map((a) => a.trim()) : [];
  const chain = [req.socket.remoteAddress ?? 'unknown', ...forwarded.reverse()];
  for (let i = 0; i < chain.length - 1; i += 1) {
    if (!trust(chain[i] as string, i)) return chain[i] as string;
  }
  return chain[chain.length - 1] as string;
}

/** The same for a request Express has seen: its `req.ip` already follows the setting. */
export function requestAddress(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}
