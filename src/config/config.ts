import { isAbsolute, resolve } from 'node:path';

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
  bodyLimitBytes: number;
  /** Imports may be larger than other requests (by body or fetched from a URL). */
  importMaxBytes: number;
  shutdownTimeoutMs: number;
  participants: {
    /** New anonymous identities per client address per minute (memory only, never stored). */
    issuePerMinute: number;
    tokenTtlHours: number;
  };
  rooms: {
    openBeforeMinutes: number;
    closeAfterMinutes: number;
    maxMembers: number;
    maxRoomsPerSocket: number;
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

function parseAdmin(reader: EnvReader): AppConfig['admin'] {
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
  }
  return { email: email.toLowerCase(), password };
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
    admin: parseAdmin(reader),
    logLevel: reader.oneOf('LOG_LEVEL', LOG_LEVELS, nodeEnv === 'test' ? 'warn' : 'info'),
    corsOrigins: parseCorsOrigins(reader),
    bodyLimitBytes: reader.int('BODY_LIMIT_BYTES', 1024 * 1024, 1024, 64 * 1024 * 1024),
    importMaxBytes: reader.int('IMPORT_MAX_BYTES', 5 * 1024 * 1024, 1024, 256 * 1024 * 1024),
    shutdownTimeoutMs: reader.int('SHUTDOWN_TIMEOUT_MS', 10000, 0, 600000),
    participants: {
      issuePerMinute: reader.int('PARTICIPANT_ISSUE_PER_MINUTE', 10, 1, 1_000_000),
      tokenTtlHours: reader.int('PARTICIPANT_TOKEN_TTL_HOURS', 72, 1, 24 * 365),
    },
    rooms: {
      openBeforeMinutes: reader.int('ROOM_OPEN_BEFORE_MINUTES', 15, 0, 720),
      closeAfterMinutes: reader.int('ROOM_CLOSE_AFTER_MINUTES', 15, 0, 720),
      maxMembers: reader.int('ROOM_MAX_MEMBERS', 1000, 2, 100_000),
      maxRoomsPerSocket: reader.int('ROOMS_PER_SOCKET', 5, 1, 100),
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

/** Reads this process's environment; the only `process.env` access in the code base. */
export function loadConfigFromEnvironment(): AppConfig {
  return loadConfig(process.env);
}
