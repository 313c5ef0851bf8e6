import type { Duplex } from 'node:stream';
import { TokenBuckets } from '../../common/rate-limit/token-buckets.js';

export interface UpgradeLimits {
  /** New connections one address may open at once… */
  connectBurst: number;
  /** …and then per minute. */
  connectsPerMinute: number;
  /** Handshakes refused with a connect_error: this many at once, then per minute. */
  refusalsPerMinute: number;
}

/**
 * Per client address, whether a WebSocket upgrade to /rooms may go ahead. A refused handshake
 * still costs the service about half a millisecond of CPU (the upgrade, Engine.IO's and
 * Socket.IO's handshakes, the frames that carry the refusal), and a client that opens hundreds
 * of connections at once and retries every refused one makes that the members' delay. So an
 * address that keeps coming back after its handshakes were refused, or that opens connections
 * faster than anyone needs to, is answered before the upgrade instead: one short HTTP 429.
 * Everyone below these limits is refused (or not) exactly as before, with the contract's
 * connect_error codes. Addresses are keys in memory only, dropped once their buckets are full
 * again (within about a minute of their last attempt), never stored or logged.
 */
export class UpgradeGuard {
  private readonly connects: TokenBuckets;
  private readonly refusals: TokenBuckets;

  constructor(limits: UpgradeLimits, now: () => number = Date.now) {
    this.connects = new TokenBuckets(limits.connectBurst, limits.connectsPerMinute / 60, now);
    this.refusals = new TokenBuckets(limits.refusalsPerMinute, limits.refusalsPerMinute / 60, now);
  }

  /** 0 when `address` may upgrade (one connection counted), else how long it should wait. */
  admit(address: string): number {
    // Checked first, and without taking a connection: a refused client's cheap 429s cost it
    // nothing that it would need once it behaves.
    const wait = this.refusals.waitMs(address);
    if (wait > 0) return wait;
    return this.connects.retryAfterMs(address);
  }

  /** A handshake from `address` was refused after its upgrade (connect_error). */
  noteRefusal(address: string): void {
    this.refusals.take(address);
  }

  /** Addresses being remembered: for tests and diagnostics. */
  get size(): { connecting: number; refused: number } {
    return { connecting: this.connects.size, refused: this.refusals.size };
  }

  /** Forgets the addresses whose buckets are full again (it also happens every minute). */
  sweep(): void {
    this.connects.sweep();
    this.refusals.sweep();
  }

  close(): void {
    this.connects.close();
    this.refusals.close();
  }
}

/**
 * Answers a refused upgrade on the connection itself, before any WebSocket exists: 429 with
 * Retry-After and the body every REST error has, then closes. Written by hand because there is
 * no response object at this point (Node hands an upgrade request over as a bare socket).
 */
export function refuseUpgrade(socket: Duplex, retryAfterMs: number, message: string): void {
  const body = JSON.stringify({ error: { code: 'RATE_LIMITED', message, details: [] } });
  // A client that already went away cannot be answered; the error would be unhandled.
  socket.on('error', () => undefined);
  if (socket.writable) {
    socket.write(
      'HTTP/1.1 429 Too Many Requests\r\n' +
        'Content-Type: application/json; charset=utf-8\r\n' +
        'X-Content-Type-Options: nosniff\r\n' +
        'Cache-Control: no-store\r\n' +
        `Retry-After: ${Math.max(1, Math.ceil(retryAfterMs / 1000))}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
    );
  }
  // The answer is handed to the kernel by the write above; nothing else is read or sent.
  socket.destroy();
}
