import type { Socket } from 'socket.io-client';

/** What an emit came back with; an event never answered comes back as NO_ANSWER. */
export interface Reply {
  ok: boolean;
  data?: unknown;
  error?: { code: string; message: string };
}

/**
 * Hands out sockets so that none of them exceeds the service's per-socket event budget (a burst
 * of 40, then 20 a second): a storm of thousands of events is then answered on its merits, never
 * with RATE_LIMITED. Stays well inside the budget, since the server counts on arrival.
 */
export class PacedSockets {
  private readonly tokens: number[];
  private readonly refilledAt: number[];
  private turn = 0;

  constructor(
    readonly sockets: readonly Socket[],
    private readonly burst = 25,
    private readonly perSecond = 12,
  ) {
    this.tokens = sockets.map(() => burst);
    this.refilledAt = sockets.map(() => Date.now());
  }

  private async take(): Promise<Socket> {
    for (;;) {
      const now = Date.now();
      for (let tried = 0; tried < this.sockets.length; tried++) {
        const i = (this.turn + tried) % this.sockets.length;
        const tokens = Math.min(
          this.burst,
          (this.tokens[i] as number) +
            ((now - (this.refilledAt[i] as number)) / 1000) * this.perSecond,
        );
        this.refilledAt[i] = now;
        this.tokens[i] = tokens;
        if (tokens >= 1) {
          this.tokens[i] = tokens - 1;
          this.turn = i + 1;
          return this.sockets[i] as Socket;
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Emits on the next socket with budget to spare; resolves with the ack and the socket used. */
  async emit(event: string, args: unknown[]): Promise<{ socket: Socket; reply: Reply }> {
    const socket = await this.take();
    try {
      const reply = (await socket.timeout(20_000).emitWithAck(event, ...args)) as Reply;
      return { socket, reply };
    } catch {
      return {
        socket,
        reply: { ok: false, error: { code: 'NO_ANSWER', message: 'no ack within 20 s' } },
      };
    }
  }
}

/** A short, printable description of what was sent, for failure reports. */
export function describeArgs(args: unknown[]): string {
  const text = JSON.stringify(args, (_key, value: unknown) => {
    if (typeof value === 'string' && value.length > 60) return `<${value.length} chars>`;
    if (Array.isArray(value) && value.length > 10) return `<array of ${value.length}>`;
    return value;
  });
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/** The size of the JSON socket.io would send for these arguments (binary counted as JSON). */
export function encodedSize(args: unknown[]): number {
  return JSON.stringify(args).length;
}
