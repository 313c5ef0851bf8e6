import type { LoggerService } from '@nestjs/common';
import type { LogLevel } from '../../config/config.js';
import { currentRequestId } from './request-context.js';

const SEVERITY: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

/** Nest's start-up chatter (one line per route and module) is noise at info level. */
const CHATTY_CONTEXTS = new Set([
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'WebSocketsController',
  'NestFactory',
]);

export type LogFields = Record<string, unknown>;
export type LogSink = (line: string) => void;

/**
 * One JSON object per line on stdout. Callers pass structured fields; by house rule those
 * never include message bodies, handles, tokens or client addresses.
 */
export class JsonLogger implements LoggerService {
  constructor(
    private readonly level: LogLevel,
    private readonly sink: LogSink = (line) => process.stdout.write(line + '\n'),
  ) {}

  isEnabled(level: LogLevel): boolean {
    return SEVERITY[level] <= SEVERITY[this.level];
  }

  write(level: LogLevel, msg: string, fields: LogFields = {}): void {
    if (!this.isEnabled(level)) return;
    const requestId = currentRequestId();
    const entry: LogFields = { time: new Date().toISOString(), level, msg, ...fields };
    if (requestId !== undefined && entry.requestId === undefined) entry.requestId = requestId;
    this.sink(JSON.stringify(entry));
  }

  // LoggerService, as Nest calls it: (message, ...optionalParams) where the last string is the context.
  log(message: unknown, ...params: unknown[]): void {
    const { context, rest } = splitContext(params);
    this.write(
      context !== undefined && CHATTY_CONTEXTS.has(context) ? 'debug' : 'info',
      stringify(message),
      fieldsOf(context, rest),
    );
  }

  error(message: unknown, ...params: unknown[]): void {
    const { context, rest } = splitContext(params);
    const fields = fieldsOf(
      context,
      rest.filter((p) => typeof p !== 'string'),
    );
    const stack = rest.find((p): p is string => typeof p === 'string');
    if (stack !== undefined) fields.stack = stack;
    if (message instanceof Error) {
      fields.stack ??= message.stack;
    }
    this.write('error', stringify(message), fields);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.error(message, ...params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    const { context, rest } = splitContext(params);
    this.write('warn', stringify(message), fieldsOf(context, rest));
  }

  debug(message: unknown, ...params: unknown[]): void {
    const { context, rest } = splitContext(params);
    this.write('debug', stringify(message), fieldsOf(context, rest));
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.debug(message, ...params);
  }
}

function splitContext(params: unknown[]): { context: string | undefined; rest: unknown[] } {
  const last = params.at(-1);
  if (typeof last === 'string') return { context: last, rest: params.slice(0, -1) };
  return { context: undefined, rest: params };
}

function fieldsOf(context: string | undefined, rest: unknown[]): LogFields {
  const fields: LogFields = {};
  if (context !== undefined) fields.context = context;
  for (const extra of rest) {
    if (typeof extra === 'object' && extra !== null && !Array.isArray(extra))
      Object.assign(fields, extra);
  }
  return fields;
}

function stringify(message: unknown): string {
  if (typeof message === 'string') return message;
  if (message instanceof Error) return message.message;
  try {
    return JSON.stringify(message);
  } catch {
    return String(message);
  }
}
