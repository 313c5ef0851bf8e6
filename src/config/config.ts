import { isAbsolute, resolve } from 'node:path';
import { parseIpRange, type IpRange } from '../common/network-address.js';

export type NodeEnv = 'development' | 'production' | 'test';
export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface AppConfig {
  nodeEnv: NodeEnv;
  host: string;
  port: number;
  /** Absent: the service starts its own embedded PostgreSQL under `dataDir`. */
  databaseUrl: string | undefined;
  databasePoolSize: number;
  dataDir: string;
  jwtSecret: string;
  admin: { email: string; password: string } | undefined;
  logLevel: LogLevel;
  /** `[]` means no cross-origin access at all; `'*'` any origin (without credentials). */
  corsOrigins: string[] | '*';
  /**
   * The reverse proxies in front of the service (Express's `trust proxy`): false for none, a
   * number of hops, or addresses and ranges. Per-address limits follow X-Forwarded-For only
   * through these, so a client cannot choose its own address.
   */
  trustProxy: false | number | string[];
  bodyLimitBytes: number;
  /** Imports may be larger than other requests (by body or fetched from a URL). */
  importMaxBytes: number;
  /**
   * Non-public address ranges that imports by URL may still reach (an intergroup feed on the
   * same LAN, a test server on 127.0.0.1). Empty by default: only public addresses.
   */
  importAllowPrivateNetworks: IpRange[];
  shutdownTimeoutMs: number;
  participants: {
    /** New anonymous identities per client address per minute (memory only, never stored). */
    issuePerMinute: number;
    tokenTtlHours: number;
    /**
     * Failed token checks (socket handshakes, token refreshes) per client address per minute,
     * before that address is refused without a check (memory only, never stored).
     */
    tokenFailuresPerMinute: number;
  };
  rooms: {
    openBeforeMinutes: number;
    closeAfterMinutes: number;
    maxMembers: number;
    maxRoomsPerSocket: number;
    /** Open connections to /rooms per participant token, and per client address (memory only). */
    socketsPerParticipant: number;
    socketsPerAddress: number;
    /**
     * New connections to /rooms per client address: as many at once as socketsPerAddress, then
     * this many a minute. Beyond that, refused before the WebSocket upgrade (memory only).
     */
    connectsPerMinute: number;
    /**
     * Handshakes refused with a connect_error per client address: this many at once, then this
     * many a minute. An address that keeps coming back after that is refused before the
     * WebSocket upgrade, which costs the service far less (memory only).
     */
    handshakeRefusalsPerMinute: number;
    /** Token bucket per member: this many messages at once, refilled at perMinute. */
    messageBurst: number;
    messagesPerMinute: number;
  };
  attendanceMinMinutes: number;
  /** Ed25519 private key (PKCS#8 PEM) for attendance certificates; generated and stored when unset. */
  attendanceSigningKey: string | undefined;
  /** The public base URL (e.g. https://meetings.example.org), for links the service hands out. */
  publicUrl: string | undefined;
}

/**
 * Development builds get a known secret so that `npm start` works on a fresh clone;
 * production refuses it (see loadConfig), because anyone who reads this file could mint tokens.
 */
export const DEV_JWT_SECRET = 'meetinghouse-development-secret-do-not-use-in-production';

/**
 * Passwords printed in our own docs. Anyone can read them, so production refuses them as it
 * refuses the development JWT secret.
 */
export const DOCUMENTED_EXAMPLE_PASSWORDS: ReadonlySet<string> = new Set(['a long passphrase']);

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** Reads one variable at a time and collects every problem, so one start-up shows them all. */
class EnvReader {
  readonly problems: string[] = [];

  constructor(private readonly env: Env) {}

  raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      this.problems.push(`${name} must be an integer from ${min} to ${max} (got "${value}")`);
      return fallback;
    }
    return Number(value);
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const lower = value.toLowerCase();
    const match = allowed.find((a) => a === lower);
    if (match === undefined) {
      this.problems.push(`${name} must be one of ${allowed.join(', ')} (got "${value}")`);
      return fallback;
    }
    return match;
  }
}

function parseDatabaseUrl(reader: EnvReader): string | undefined {
  const value = reader.raw('DATABASE_URL');
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    // The value may hold a password: never echo it.
    reader.problems.push('DATABASE_URL must be a URL like postgres://user:password@host:5432/db');
    return undefined;
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    reader.problems.push('DATABASE_URL must use the postgres:// or postgresql:// scheme');
    return undefined;
  }
  return value;
}

const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function parseTrustProxy(reader: EnvReader): AppConfig['trustProxy'] {
  const value = reader.raw('TRUST_PROXY')?.trim();
  if (value === undefined || value === '' || value === 'false') return false;
  if (value === 'true') {
    reader.problems.push(
      'TRUST_PROXY=true would let any client choose its own address: give the number of proxies in front of the service, or their addresses or ranges (e.g. 10.0.0.0/8, loopback)',
    );
    return false;
  }
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops >= 1 && hops <= 10) return hops;
    reader.problems.push('TRUST_PROXY as a number of proxies must be between 1 and 10');
    return false;
  }
  const entries = value
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  for (const entry of entries) {
    if (!PROXY_RANGE_NAMES.has(entry) && parseIpRange(entry) === undefined) {
      reader.problems.push(
        `TRUST_PROXY must be false, a number of proxies, or a comma list of addresses, ranges like 10.0.0.0/8, loopback, linklocal or uniquelocal (bad entry "${entry}")`,
      );
    }
  }
  return entries;
}

function parseCorsOrigins(reader: EnvReader): string[] | '*' {
  const value = reader.raw('CORS_ORIGINS');
  if (value === undefined) return [];
  if (value === '*') return '*';
  const origins: string[] = [];
  for (const part of value.split(',').map((p) => p.trim())) {
    if (part === '') continue;
    let origin: string | undefined;
    try {
      const url = new URL(part);
      if ((url.protocol === 'http:' || url.protocol === 'https:') && url.origin === part) {
        origin = url.origin;
      }
    } catch {
      origin = undefined;
    }
    if (origin === undefined) {
      reader.problems.push(
        `CORS_ORIGINS must be "*" or a comma list of origins like https://example.org (bad entry "${part}")`,
      );
    } else {
      origins.push(origin);
    }
  }
  return origins;
}

function parseJwtSecret(reader: EnvReader, nodeEnv: NodeEnv): string {
  const value = reader.raw('JWT_SECRET');
  if (nodeEnv === 'production') {
    if (value === undefined || value === DEV_JWT_SECRET) {
      reader.problems.push(
        'JWT_SECRET must be set to your own random secret in production (for example: openssl rand -base64 48)',
      );
    } else if (value.length < 32) {
      reader.problems.push('JWT_SECRET must be at least 32 characters long in production');
    }
  } else if (value !== undefined && value.length < 16) {
    reader.problems.push('JWT_SECRET must be at least 16 characters long');
  }
  return value ?? DEV_JWT_SECRET;
}

function parseAdmin(reader: EnvReader, nodeEnv: NodeEnv): AppConfig['admin'] {
  const email = reader.raw('ADMIN_EMAIL');
  const password = reader.raw('ADMIN_PASSWORD');
  if (email === undefined && password === undefined) return undefined;
  if (email === undefined || password === undefined) {
    reader.problems.push('ADMIN_EMAIL and ADMIN_PASSWORD must be set together');
    return undefined;
  }
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
    reader.problems.push(`ADMIN_EMAIL must be an email address (got "${email}")`);
  }
  if (password.length < 12) {
    reader.problems.push('ADMIN_PASSWORD must be at least 12 characters long');
  } else if (nodeEnv === 'production' && DOCUMENTED_EXAMPLE_PASSWORDS.has(password)) {
    reader.problems.push(
      'ADMIN_PASSWORD must be your own password in production, not the example from the README',
    );
  }
  return { email: email.toLowerCase(), password };
}

function parseNetworks(reader: EnvReader, name: string): IpRange[] {
  const value = reader.raw(name);
  if (value === undefined) return [];
  const ranges: IpRange[] = [];
  for (const part of value.split(',').map((p) => p.trim())) {
    if (part === '') continue;
    const parsed = parseIpRange(part);
    if (parsed === undefined) {
      reader.problems.push(
        `${name} must be a comma list of IP addresses or ranges like 10.0.0.0/8 (bad entry "${part}")`,
      );
    } else {
      ranges.push(parsed);
    }
  }
  return ranges;
}

function parseSigningKey(reader: EnvReader): string | undefined {
  const value = reader.raw('ATTENDANCE_SIGNING_KEY');
  if (value === undefined) return undefined;
  const pem = value.includes('BEGIN') ? value.replace(/\\n/g, '\n') : undefined;
  if (pem === undefined || !/-----BEGIN PRIVATE KEY-----/.test(pem)) {
    reader.problems.push(
      'ATTENDANCE_SIGNING_KEY must be an Ed25519 private key in PKCS#8 PEM form',
    );
    return undefined;
  }
  return pem;
}

function parsePublicUrl(reader: EnvReader): string | undefined {
  const value = reader.raw('PUBLIC_URL');
  if (value === undefined) return undefined;
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:')
      return url.toString().replace(/\/$/, '');
  } catch {
    // reported below
  }
  reader.problems.push(`PUBLIC_URL must be an http(s) URL (got "${value}")`);
  return undefined;
}

/**
 * The one place that reads the environment. Throws ConfigError naming every bad variable;
 * secrets are never echoed back in the message.
 */
export function loadConfig(env: Env, cwd: string = process.cwd()): AppConfig {
  const reader = new EnvReader(env);
  const nodeEnv = reader.oneOf<NodeEnv>(
    'NODE_ENV',
    ['development', 'production', 'test'],
    'development',
  );
  const dataDir = reader.raw('DATA_DIR') ?? '.data';
  const config: AppConfig = {
    nodeEnv,
    host: reader.raw('HOST') ?? '0.0.0.0',
    port: reader.int('PORT', 3000, 0, 65535),
    databaseUrl: parseDatabaseUrl(reader),
    databasePoolSize: reader.int('DATABASE_POOL_SIZE', 10, 1, 200),
    dataDir: isAbsolute(dataDir) ? dataDir : resolve(cwd, dataDir),
    jwtSecret: parseJwtSecret(reader, nodeEnv),
    admin: parseAdmin(reader, nodeEnv),
    logLevel: reader.oneOf('LOG_LEVEL', LOG_LEVELS, nodeEnv === 'test' ? 'warn' : 'info'),
    corsOrigins: parseCorsOrigins(reader),
    trustProxy: parseTrustProxy(reader),
    bodyLimitBytes: reader.int('BODY_LIMIT_BYTES', 1024 * 1024, 1024, 64 * 1024 * 1024),
    importMaxBytes: reader.int('IMPORT_MAX_BYTES', 5 * 1024 * 1024, 1024, 256 * 1024 * 1024),
    importAllowPrivateNetworks: parseNetworks(reader, 'IMPORT_ALLOW_PRIVATE_NETWORKS'),
    shutdownTimeoutMs: reader.int('SHUTDOWN_TIMEOUT_MS', 10000, 0, 600000),
    participants: {
      issuePerMinute: reader.int('PARTICIPANT_ISSUE_PER_MINUTE', 10, 1, 1_000_000),
      tokenTtlHours: reader.int('PARTICIPANT_TOKEN_TTL_HOURS', 72, 1, 24 * 365),
      tokenFailuresPerMinute: reader.int('TOKEN_FAILURES_PER_MINUTE', 30, 1, 1_000_000),
    },
    rooms: {
      openBeforeMinutes: reader.int('ROOM_OPEN_BEFORE_MINUTES', 15, 0, 720),
      closeAfterMinutes: reader.int('ROOM_CLOSE_AFTER_MINUTES', 15, 0, 720),
      maxMembers: reader.int('ROOM_MAX_MEMBERS', 1000, 2, 100_000),
      maxRoomsPerSocket: reader.int('ROOMS_PER_SOCKET', 5, 1, 100),
      socketsPerParticipant: reader.int('ROOM_SOCKETS_PER_PARTICIPANT', 5, 1, 1000),
      socketsPerAddress: reader.int('ROOM_SOCKETS_PER_ADDRESS', 50, 1, 1_000_000),
      connectsPerMinute: reader.int('ROOM_CONNECTS_PER_MINUTE', 600, 1, 10_000_000),
      handshakeRefusalsPerMinute: reader.int(
        'ROOM_HANDSHAKE_REFUSALS_PER_MINUTE',
        30,
        1,
        1_000_000,
      ),
      messageBurst: reader.int('MESSAGE_BURST', 5, 1, 1000),
      messagesPerMinute: reader.int('MESSAGES_PER_MINUTE', 30, 1, 100_000),
    },
    attendanceMinMinutes: reader.int('ATTENDANCE_MIN_MINUTES', 45, 1, 1440),
    attendanceSigningKey: parseSigningKey(reader),
    publicUrl: parsePublicUrl(reader),
  };
  if (reader.problems.length > 0) throw new ConfigError(reader.problems);
  return config;
}

/** A DATABASE_URL with its password masked, for messages. */
export function redactDatabaseUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password !== '') url.password = '***';
    return url.toString();
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}

/**
 * The environment a child process (the embedded PostgreSQL's binaries) runs with: this process's
 * own, which it needs as is (PATH, HOME, the loader's variables), with `overrides`.
 */
export function childProcessEnvironment(overrides: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, ...overrides };
}

/** Reads this process's environment; with the function above, the only `process.env` access. */
export function loadConfigFromEnvironment(): AppConfig {
  return loadConfig(process.env);
}
