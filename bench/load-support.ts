/**
 * What the abuse and soak benchmarks share: the service as its own process (optionally with a
 * probe that reports its heap over IPC), readings of that process from /proc, and clients that
 * each come from their own loopback address (127.0.0.0/8 is all local on Linux), so per-address
 * limits apply to each simulated person as they would to people on different networks.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { request } from 'node:http';
import { pathToFileURL } from 'node:url';
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';

export const ADMIN = { email: 'bench@example.org', password: 'bench-admin-password' };

export interface ProbeStats {
  heapUsed: number;
  heapTotal: number;
  external: number;
  rss: number;
  /** process.getActiveResourcesInfo(), counted by type (TCPSocketWrap, Timeout, …). */
  resources: Record<string, number>;
}

export interface Service {
  pid: number;
  port: number;
  baseUrl: string;
  /** Asks the probe (only with `probe: true`); `gc` collects garbage first. */
  stats(gc: boolean): Promise<ProbeStats>;
  /** Resolves when the process exits (whoever ends it). */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/**
 * Starts `node dist/src/main.js` with only the given environment. With `probe`, the process
 * also loads bench/service-probe.js (heap and handle counts on request, over the IPC channel
 * the benchmark opens) and runs with --expose-gc: nothing is added to the service itself.
 */
export function startService(
  env: Record<string, string>,
  options: { probe?: boolean; nodeArgs?: string[] } = {},
): Promise<Service> {
  const main = new URL('../src/main.js', import.meta.url).pathname;
  const args = [
    ...(options.nodeArgs ?? []),
    ...(options.probe
      ? [
          '--expose-gc',
          '--import',
          pathToFileURL(new URL('./service-probe.js', import.meta.url).pathname).href,
        ]
      : []),
    main,
  ];
  const child: ChildProcess = spawn(process.execPath, args, {
    env: {
      PATH: process.env.PATH ?? '',
      PORT: '0',
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      JWT_SECRET: 'e'.repeat(48),
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      ...env,
    },
    stdio: options.probe ? ['ignore', 'pipe', 'inherit', 'ipc'] : ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  let pending: ((stats: ProbeStats) => void)[] = [];
  child.on('message', (message: unknown) => {
    const waiting = pending;
    pending = [];
    for (const resolve of waiting) resolve(message as ProbeStats);
  });
  return new Promise((resolve, reject) => {
    let buffered = '';
    const onData = (chunk: Buffer): void => {
      buffered += chunk.toString('utf8');
      const match = /"msg":"Meetinghouse is listening"[^\n]*"port":(\d+)/.exec(buffered);
      if (match?.[1] === undefined) return;
      // Keep draining its request log, unread, so the pipe never blocks the service.
      child.stdout?.off('data', onData);
      child.stdout?.resume();
      const port = Number(match[1]);
      resolve({
        pid: child.pid ?? 0,
        port,
        baseUrl: `http://127.0.0.1:${port}`,
        stats: (gc) =>
          new Promise((answer, fail) => {
            if (!child.connected) {
              fail(new Error('the service has no probe (or has exited)'));
              return;
            }
            pending.push(answer);
            child.send({ gc });
          }),
        exited,
        stop: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          await exited;
        },
      });
    };
    child.stdout?.on('data', onData);
    void exited.then((code) => reject(new Error(`the service exited during start-up (${code})`)));
  });
}

/** Fields of /proc/PID/stat after the command name (field 3 onwards). */
function stat(pid: number): string[] {
  return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
}

/** User + system CPU of the process so far, in seconds (clock ticks are 1/100 s on Linux). */
export function cpuSeconds(pid: number): number {
  const fields = stat(pid);
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Resident memory in bytes (VmRSS). */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) * 1024;
}

export interface Descriptors {
  total: number;
  /** TCP connections from clients to the service's port. */
  clients: number;
  /** TCP connections to the database's port. */
  database: number;
  /** Every other descriptor: listeners, pipes, files, event loop internals. */
  other: number;
}

/** Socket inodes of the process's TCP connections, by local and remote port. */
function tcpInodes(pid: number): Map<string, { localPort: number; remotePort: number }> {
  const found = new Map<string, { localPort: number; remotePort: number }>();
  for (const file of ['tcp', 'tcp6']) {
    let text: string;
    try {
      text = readFileSync(`/proc/${pid}/net/${file}`, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10) continue;
      const localPort = parseInt(cols[1]?.split(':')[1] ?? '', 16);
      const remotePort = parseInt(cols[2]?.split(':')[1] ?? '', 16);
      // State 0A is LISTEN: the server socket itself, counted with "other".
      if (cols[3] === '0A') continue;
      found.set(cols[9] ?? '', { localPort, remotePort });
    }
  }
  return found;
}

/** The process's open descriptors, with its TCP connections told apart by peer. */
export function descriptors(pid: number, servicePort: number, databasePort: number): Descriptors {
  const tcp = tcpInodes(pid);
  const counts: Descriptors = { total: 0, clients: 0, database: 0, other: 0 };
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    let target: string;
    try {
      target = readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      continue; // closed while we looked
    }
    counts.total++;
    const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
    const conn = inode === undefined ? undefined : tcp.get(inode);
    if (conn?.localPort === servicePort) counts.clients++;
    else if (conn?.remotePort === databasePort) counts.database++;
    else counts.other++;
  }
  return counts;
}

/** The port a postgres:// URL points at. */
export function databasePort(url: string): number {
  const port = new URL(url).port;
  return port === '' ? 5432 : Number(port);
}

/**
 * A loopback address of its own for simulated person `n` within `block` (0–255): 127.block.x.y.
 * Addresses start at .1 so none is 127.0.0.1, which setup work (the admin's login) uses.
 */
export function loopback(block: number, n: number): string {
  const host = n + 1;
  return `127.${block}.${Math.floor(host / 250)}.${(host % 250) + 1}`;
}

export interface HttpReply<T = unknown> {
  status: number;
  body: T;
}

/** A JSON request from a chosen local address (fetch cannot choose one). */
export function http<T = unknown>(
  method: string,
  url: string,
  options: { body?: unknown; token?: string; from?: string; timeoutMs?: number } = {},
): Promise<HttpReply<T>> {
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers: Record<string, string> = {};
  if (payload !== undefined) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(Buffer.byteLength(payload));
  }
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        headers,
        ...(options.from === undefined ? {} : { localAddress: options.from }),
        timeout: options.timeoutMs ?? 30_000,
        agent: false,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // Not JSON: keep the text, for the report.
          }
          resolve({ status: res.statusCode ?? 0, body: body as T });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(payload);
  });
}

/** The error code of a contract error body, or `HTTP <status>` when there is none. */
export function codeOf(reply: HttpReply): string {
  const code = (reply.body as { error?: { code?: unknown } } | undefined)?.error?.code;
  return typeof code === 'string' ? code : `HTTP ${reply.status}`;
}

export async function issueParticipant(baseUrl: string, from: string): Promise<string> {
  const reply = await http<{ token: string }>('POST', `${baseUrl}/api/v1/participants`, { from });
  if (reply.status !== 201)
    throw new Error(`participant issue from ${from} failed: ${reply.status} ${codeOf(reply)}`);
  return reply.body.token;
}

export async function adminToken(baseUrl: string): Promise<string> {
  const reply = await http<{ accessToken: string }>('POST', `${baseUrl}/api/v1/auth/login`, {
    body: ADMIN,
  });
  if (reply.status !== 200) throw new Error(`admin login failed: ${reply.status}`);
  return reply.body.accessToken;
}

export async function createRoom(baseUrl: string, token: string, name: string): Promise<string> {
  const reply = await http<{ id: string }>('POST', `${baseUrl}/api/v1/rooms`, {
    token,
    body: { name, opensAt: new Date(Date.now() - 60_000).toISOString() },
  });
  if (reply.status !== 201) throw new Error(`room create failed: ${reply.status}`);
  return reply.body.id;
}

/** A random string shaped like a participant token (32 bytes, base64url). */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

export type Connected =
  | { socket: Socket; code?: undefined; beforeUpgrade?: undefined }
  | {
      socket?: undefined;
      code: string;
      /** Refused with HTTP 429 before the WebSocket upgrade, not with a connect_error. */
      beforeUpgrade?: boolean;
    };

/**
 * The HTTP status that refused a WebSocket upgrade, when that is what happened. Node's
 * socket.io-client (through `ws`) sees only the status, in the connect_error's description (an
 * ErrorEvent saying "Unexpected server response: 429"), not the response's body.
 */
function upgradeStatus(err: Error & { description?: unknown }): number | undefined {
  const description = err.description as { message?: unknown } | undefined;
  const match =
    typeof description?.message === 'string'
      ? /^Unexpected server response: (\d{3})$/.exec(description.message)
      : null;
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/**
 * A /rooms connection from `from`: the socket, or the code of its connect_error (`TIMEOUT` when
 * neither came in time). An upgrade refused with 429 counts as RATE_LIMITED (the service
 * answers it with that code in the body), another status as `HTTP <status>`, anything else
 * that failed the transport as TRANSPORT_ERROR.
 */
export function connect(
  baseUrl: string,
  token: string,
  from: string,
  timeoutMs = 20_000,
): Promise<Connected> {
  const options: Partial<ManagerOptions & SocketOptions> & { localAddress: string } = {
    transports: ['websocket'],
    auth: { token },
    reconnection: false,
    forceNew: true,
    timeout: timeoutMs,
    localAddress: from,
  };
  const socket = io(`${baseUrl}/rooms`, options);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      socket.disconnect();
      resolve({ code: 'TIMEOUT' });
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve({ socket });
    });
    socket.once('connect_error', (err: Error & { data?: { code?: unknown } }) => {
      clearTimeout(timer);
      socket.disconnect();
      if (typeof err.data?.code === 'string') {
        resolve({ code: err.data.code });
        return;
      }
      const status = upgradeStatus(err);
      resolve(
        status === 429
          ? { code: 'RATE_LIMITED', beforeUpgrade: true }
          : { code: status === undefined ? 'TRANSPORT_ERROR' : `HTTP ${status}` },
      );
    });
  });
}

export interface AckReply<T = unknown> {
  ok: boolean;
  data?: T;
  error?: { code: string; message: string };
}

/** Emits with an ack; the reply's code (`OK`), or `TIMEOUT` when none came in time. */
export async function emitCode(
  socket: Socket,
  event: string,
  payload: unknown,
  timeoutMs = 10_000,
): Promise<{ code: string; reply?: AckReply }> {
  try {
    const reply = (await socket.timeout(timeoutMs).emitWithAck(event, payload)) as AckReply;
    return { code: reply.ok ? 'OK' : (reply.error?.code ?? 'NO_CODE'), reply };
  } catch {
    return { code: 'TIMEOUT' };
  }
}

/** Counts of outcomes by code, printed as `OK 5, RATE_LIMITED 995`. */
export class Outcomes {
  private readonly counts = new Map<string, number>();

  add(code: string, n = 1): void {
    this.counts.set(code, (this.counts.get(code) ?? 0) + n);
  }

  get(code: string): number {
    return this.counts.get(code) ?? 0;
  }

  get total(): number {
    let sum = 0;
    for (const n of this.counts.values()) sum += n;
    return sum;
  }

  codes(): string[] {
    return [...this.counts.keys()];
  }

  toString(): string {
    return [...this.counts.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([code, n]) => `${code} ${n}`)
      .join(', ');
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function mb(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}

/** A number of the environment, or the default (benchmarks may read the environment). */
export function option(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
}
