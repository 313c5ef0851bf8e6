// The realtime side of a room: one socket, the room's state, messages in seq order without
// duplicates, sends that survive timeouts and reconnects (same clientId), and catch-up on reconnect.
import { io, type Socket } from 'socket.io-client';
import type {
  Ack,
  JoinAck,
  Member,
  Message,
  ModerationAction,
  RoomState,
  SafetyResource,
} from '../types.js';

export interface Pending {
  clientId: string;
  body: string;
  state: 'sending' | 'waiting' | 'failed';
  error?: string;
}

export interface RoomEvents {
  /** Connection changes: 'connecting' | 'online' | 'offline' | 'unauthorized'. */
  connection(state: 'online' | 'offline' | 'unauthorized'): void;
  /** New or changed messages (ascending seq), and whether this was the first load. */
  messages(added: Message[], initial: boolean): void;
  deleted(messageId: string): void;
  pending(p: Pending | null, clientId: string): void;
  presence(members: Member[]): void;
  state(room: RoomState): void;
  typing(memberId: string, handle: string): void;
  moderation(action: ModerationAction, until?: string, reason?: string): void;
  safety(resources: SafetyResource[]): void;
  closed(): void;
  rejoined(): void;
  /** Joining again after a reconnect did not work (e.g. WAITING_FOR_ADMISSION, BANNED). */
  rejoinFailed(code: string): void;
  waiting(members: Member[]): void;
  report(r: { reportId: string; messageId: string; reason: string }): void;
  safetyAlert(a: { memberId: string; messageId: string; kinds: string[] }): void;
  /** Contact details were taken out of one of our messages. */
  redacted(kinds: string[]): void;
}

const TIMEOUT = 10000;

export class RoomClient {
  readonly socket: Socket;
  handle = '';
  joined = false;
  self: Member | null = null;
  members: Member[] = [];
  waitingMembers: Member[] = [];
  state: RoomState | null = null;
  lastSeq = 0;
  readonly messages = new Map<string, Message>();
  readonly pending = new Map<string, Pending>();
  private lastTyping = 0;
  private ended = false;
  private retrying = false;
  private refusals = 0;

  constructor(
    readonly roomId: string,
    token: string,
    public on: Partial<RoomEvents>,
    private readonly renewToken?: () => Promise<string | null>,
  ) {
    this.socket = io('/rooms', {
      transports: ['websocket'],
      auth: { token },
      autoConnect: false,
      reconnectionDelayMax: 5000,
    });
    const s = this.socket;
    s.on('connect', () => {
      this.refusals = 0;
      this.on.connection?.('online');
      if (this.joined) void this.rejoin();
    });
    s.on('disconnect', (reason) => {
      if (this.ended) return;
      this.on.connection?.('offline');
      // The server ended the connection (e.g. a restart): try again ourselves.
      if (reason === 'io server disconnect')
        window.setTimeout(() => !this.ended && s.connect(), 2000);
    });
    s.on('connect_error', (err: Error & { data?: { code?: string } }) => {
      const code = err.data?.code;
      if (code === 'UNAUTHORIZED') return void this.unauthorized();
      this.on.connection?.('offline');
      // A handshake the server refused (UNAVAILABLE while its database is back in a moment,
      // RATE_LIMITED) is not retried by socket.io itself: someone in a room tries again.
      if (code !== undefined && this.joined) {
        this.refusals += 1;
        const delay = Math.min(30000, 2000 * 2 ** Math.min(this.refusals - 1, 4));
        window.setTimeout(() => !this.ended && !s.connected && s.connect(), delay);
      }
    });
    s.on('message:new', (m: Message) => {
      if (m.roomId !== this.roomId) return;
      const after = this.lastSeq;
      this.add([m], true);
      // A seq was skipped: a broadcast went missing (one from another node while the database
      // restarted, say). The room's history has it.
      if (this.joined && after > 0 && m.seq > after + 1) void this.sync(after);
    });
    s.on('message:deleted', (e: { roomId: string; messageId: string }) => {
      if (e.roomId !== this.roomId) return;
      this.messages.delete(e.messageId);
      this.on.deleted?.(e.messageId);
    });
    s.on('presence', (e: { roomId: string; members: Member[] }) => {
      if (e.roomId !== this.roomId) return;
      this.setMembers(e.members);
    });
    s.on('room:state', (st: RoomState) => {
      if (st.id !== this.roomId) return;
      this.state = st;
      this.on.state?.(st);
    });
    s.on('typing', (e: { roomId: string; memberId: string; handle: string }) => {
      if (e.roomId === this.roomId && e.memberId !== this.self?.memberId)
        this.on.typing?.(e.memberId, e.handle);
    });
    s.on(
      'moderation',
      (e: { roomId: string; action: ModerationAction; until?: string; reason?: string }) => {
        if (e.roomId !== this.roomId) return;
        if (e.action === 'kicked' || e.action === 'banned') this.joined = false;
        if (this.self && (e.action === 'muted' || e.action === 'unmuted'))
          this.self.muted = e.action === 'muted';
        this.on.moderation?.(e.action, e.until, e.reason);
      },
    );
    s.on('safety', (e: { roomId: string; resources: SafetyResource[] }) => {
      if (e.roomId === this.roomId) this.on.safety?.(e.resources);
    });
    s.on('room:closed', (e: { roomId: string }) => {
      if (e.roomId !== this.roomId) return;
      this.joined = false;
      this.on.closed?.();
    });
    s.on('room:waiting', (e: { roomId: string; members: Member[] }) => {
      if (e.roomId !== this.roomId) return;
      this.waitingMembers = e.members;
      this.on.waiting?.(e.members);
    });
    s.on(
      'report:new',
      (e: { roomId: string; reportId: string; messageId: string; reason: string }) => {
        if (e.roomId === this.roomId) this.on.report?.(e);
      },
    );
    s.on(
      'safety:alert',
      (e: { roomId: string; memberId: string; messageId: string; kinds: string[] }) => {
        if (e.roomId === this.roomId) this.on.safetyAlert?.(e);
      },
    );
  }

  /** Connect once; resolves when connected, rejects with the handshake's error code. */
  connect(): Promise<void> {
    if (this.socket.connected) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = () => {
        this.socket.off('connect', ok);
        this.socket.off('connect_error', fail);
        window.clearTimeout(timer);
      };
      const ok = () => {
        done();
        resolve();
      };
      const fail = (err: Error & { data?: { code?: string } }) => {
        if (err.data?.code === 'UNAUTHORIZED' && this.renewToken) return; // unauthorized() retries
        done();
        reject(new Error(err.data?.code ?? 'NETWORK'));
      };
      const timer = window.setTimeout(() => {
        done();
        reject(new Error('TIMEOUT'));
      }, 20000);
      this.socket.on('connect', ok);
      this.socket.on('connect_error', fail);
      this.socket.connect();
    });
  }

  private async unauthorized(): Promise<void> {
    const token =
      this.renewToken && !this.retrying ? await this.renewToken().catch(() => null) : null;
    if (token) {
      this.retrying = true;
      window.setTimeout(() => (this.retrying = false), 60000);
      this.socket.auth = { token };
      this.socket.connect();
      return;
    }
    this.socket.disconnect();
    this.on.connection?.('unauthorized');
  }

  /** Emit with an ack and a time limit. A timeout answers { ok: false, error: TIMEOUT }. */
  async call<T>(event: string, payload: object, timeout = TIMEOUT): Promise<Ack<T>> {
    if (!this.socket.connected) {
      return { ok: false, error: { code: 'NETWORK', message: 'Not connected' } };
    }
    try {
      return (await this.socket
        .timeout(timeout)
        .emitWithAck(event, { roomId: this.roomId, ...payload })) as Ack<T>;
    } catch {
      return { ok: false, error: { code: 'TIMEOUT', message: 'No answer in time' } };
    }
  }

  /**
   * Join (or join again). `replay` hands the whole conversation to the view (a fresh view);
   * without it only what is new is passed on (a reconnect, the view already shows the rest).
   */
  async join(handle: string, replay = true): Promise<Ack<JoinAck>> {
    const before = this.lastSeq;
    const had = this.messages.size > 0;
    const ack = await this.call<JoinAck>('room:join', { handle });
    if (!ack.ok) return ack;
    this.handle = handle;
    this.joined = true;
    this.self = ack.data.self;
    this.state = ack.data.room;
    this.waitingMembers = ack.data.waiting ?? [];
    this.setMembers(ack.data.members);
    this.on.state?.(ack.data.room);
    if (ack.data.waiting) this.on.waiting?.(ack.data.waiting);
    this.add(ack.data.messages, !replay);
    // Coming back: fetch everything after what we had (the join gives only the last 50).
    if (had) await this.sync(before, !replay);
    if (replay) this.on.messages?.(this.sorted(), true);
    void this.flush();
    return ack;
  }

  sorted(): Message[] {
    return [...this.messages.values()].sort((a, b) => a.seq - b.seq);
  }

  private async rejoin(): Promise<void> {
    const ack = await this.join(this.handle, false);
    if (ack.ok) this.on.rejoined?.();
    else if (ack.error.code === 'TIMEOUT' || ack.error.code === 'RATE_LIMITED') {
      window.setTimeout(() => this.joined && this.socket.connected && void this.rejoin(), 3000);
    } else if (ack.error.code !== 'NETWORK') {
      this.joined = false;
      this.on.rejoinFailed?.(ack.error.code);
    }
  }

  async sync(afterSeq: number, notify = true): Promise<void> {
    let after = afterSeq;
    for (let i = 0; i < 20; i++) {
      const r = await this.call<{ messages: Message[]; hasMore: boolean }>('room:sync', {
        afterSeq: after,
      });
      if (!r.ok) return;
      this.add(r.data.messages, notify);
      const last = r.data.messages.at(-1);
      if (!r.data.hasMore || !last) return;
      after = last.seq;
    }
  }

  /** Older messages, before the first one we have. */
  async history(): Promise<number> {
    const first = Math.min(...[...this.messages.values()].map((m) => m.seq));
    if (!Number.isFinite(first) || first <= 1) return 0;
    const r = await this.call<{ messages: Message[] }>('message:history', {
      beforeSeq: first,
      limit: 50,
    });
    if (!r.ok) return 0;
    this.add(r.data.messages, true);
    return r.data.messages.length;
  }

  private add(list: Message[], notify: boolean): void {
    const fresh: Message[] = [];
    for (const m of list) {
      const known = this.messages.get(m.id);
      this.messages.set(m.id, m);
      if (m.seq > this.lastSeq) this.lastSeq = m.seq;
      // One of ours that was pending: it landed.
      if (this.pending.delete(m.clientId)) this.on.pending?.(null, m.clientId);
      if (!known || known.pinned !== m.pinned || known.body !== m.body) fresh.push(m);
    }
    fresh.sort((a, b) => a.seq - b.seq);
    if (fresh.length && notify) this.on.messages?.(fresh, false);
  }

  private setMembers(members: Member[]): void {
    this.members = members;
    const me = members.find((m) => m.memberId === this.self?.memberId);
    if (me) this.self = me;
    this.on.presence?.(members);
  }

  /** Send a message; returns its clientId. Retries keep the clientId, so it lands once. */
  send(body: string): string {
    const clientId = crypto.randomUUID();
    const p: Pending = { clientId, body, state: 'sending' };
    this.pending.set(clientId, p);
    this.on.pending?.(p, clientId);
    void this.deliver(p);
    return clientId;
  }

  retry(clientId: string): void {
    const p = this.pending.get(clientId);
    if (p) void this.deliver(p);
  }

  discard(clientId: string): void {
    this.pending.delete(clientId);
    this.on.pending?.(null, clientId);
  }

  private async deliver(p: Pending, attempt = 0): Promise<void> {
    if (!this.socket.connected || !this.joined) {
      p.state = 'waiting';
      this.on.pending?.(p, p.clientId);
      return; // flush() sends it after the next join
    }
    p.state = 'sending';
    delete p.error;
    this.on.pending?.(p, p.clientId);
    const ack = await this.call<Message>('message:send', { clientId: p.clientId, body: p.body });
    if (!this.pending.has(p.clientId)) return;
    if (ack.ok) {
      this.add([ack.data], true);
      const kinds = (ack.data as Message & { redactions?: string[] }).redactions ?? [];
      if (kinds.length) this.on.redacted?.(kinds);
      return;
    }
    const code = ack.error.code;
    if ((code === 'TIMEOUT' || code === 'NETWORK' || code === 'UNAVAILABLE') && attempt < 3) {
      p.state = 'waiting';
      this.on.pending?.(p, p.clientId);
      window.setTimeout(() => void this.deliver(p, attempt + 1), 1000 * (attempt + 1));
      return;
    }
    p.state = 'failed';
    p.error = code;
    this.on.pending?.(p, p.clientId);
  }

  private async flush(): Promise<void> {
    for (const p of this.pending.values()) if (p.state !== 'sending') await this.deliver(p);
  }

  typing(): void {
    const now = Date.now();
    if (now - this.lastTyping < 2000 || !this.joined) return;
    this.lastTyping = now;
    this.socket.emit('typing', { roomId: this.roomId });
  }

  async leave(): Promise<void> {
    this.joined = false;
    if (this.socket.connected) await this.call('room:leave', {}, 3000);
  }

  close(): void {
    this.ended = true;
    if (this.joined && this.socket.connected)
      this.socket.emit('room:leave', { roomId: this.roomId }, () => undefined);
    this.joined = false;
    this.socket.removeAllListeners();
    this.socket.disconnect();
  }
}
