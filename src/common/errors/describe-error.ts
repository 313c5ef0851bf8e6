import { HttpException } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { DomainError, type ErrorDetail } from './domain-error.js';
import { httpStatusFor, type ErrorCode } from './error-codes.js';

export interface DescribedError {
  status: number;
  code: ErrorCode;
  message: string;
  details: ErrorDetail[];
  /** True when this is a bug or an outage rather than the caller's mistake: worth a log line. */
  unexpected: boolean;
}

/** PostgreSQL SQLSTATE classes meaning "the server is not there for us right now". */
const UNAVAILABLE_SQLSTATES = new Set([
  '57P01',
  '57P02',
  '57P03',
  '53300',
  '3D000',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
]);
const UNAVAILABLE_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
]);

function errorCodeOf(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** Connection-level failures from pg/TypeORM: refused, terminated, pool timeout, shutdown. */
export function isDatabaseUnavailable(err: unknown): boolean {
  const inner = err instanceof QueryFailedError ? (err.driverError as unknown) : err;
  const code = errorCodeOf(inner);
  if (code !== undefined && (UNAVAILABLE_SQLSTATES.has(code) || UNAVAILABLE_NODE_CODES.has(code))) {
    return true;
  }
  const message = inner instanceof Error ? inner.message : '';
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection is not established|not queryable/i.test(
    message,
  );
}

function fromHttpException(err: HttpException): DescribedError {
  const status = err.getStatus();
  const response = err.getResponse();
  let message = err.message;
  if (typeof response === 'object' && response !== null) {
    const raw = (response as { message?: unknown }).message;
    if (typeof raw === 'string') message = raw;
    else if (Array.isArray(raw)) message = raw.filter((m) => typeof m === 'string').join('; ');
  }
  let code: ErrorCode;
  if (status === 401) code = 'UNAUTHORIZED';
  else if (status === 403) code = 'FORBIDDEN';
  else if (status === 404 || status === 405) code = 'NOT_FOUND';
  else if (status === 409) code = 'CONFLICT';
  else if (status === 429) code = 'RATE_LIMITED';
  else if (status === 503) code = 'UNAVAILABLE';
  else if (status >= 500) code = 'INTERNAL';
  else code = 'VALIDATION_FAILED';
  return { status, code, message, details: [], unexpected: status >= 500 };
}

/**
 * The single translation from anything thrown to the contract's error vocabulary. The HTTP
 * filter and the socket ack path both use it, so a code means the same thing everywhere.
 */
export function describeError(err: unknown): DescribedError {
  if (err instanceof DomainError) {
    return {
      status: err.httpStatus ?? httpStatusFor(err.code),
      code: err.code,
      message: err.message,
      details: err.details,
      unexpected: err.code === 'INTERNAL',
    };
  }
  if (err instanceof HttpException) return fromHttpException(err);
  if (isDatabaseUnavailable(err)) {
    return {
      status: 503,
      code: 'UNAVAILABLE',
      message:
        'The database is unavailable right now; nothing was changed. Please try again shortly.',
      details: [],
      unexpected: true,
    };
  }
  if (err instanceof QueryFailedError) {
    const sqlState = errorCodeOf(err.driverError);
    // Values that slipped past validation (an out-of-range number, a malformed uuid) are the
    // caller's mistake, not ours; uniqueness races are conflicts.
    if (sqlState === '23505') {
      return {
        status: 409,
        code: 'CONFLICT',
        message: 'That conflicts with an existing record',
        details: [],
        unexpected: false,
      };
    }
    if (sqlState !== undefined && (sqlState.startsWith('22') || sqlState === '23514')) {
      return {
        status: 400,
        code: 'VALIDATION_FAILED',
        message: 'A value is out of range or malformed',
        details: [],
        unexpected: false,
      };
    }
  }
  return {
    status: 500,
    code: 'INTERNAL',
    message: 'Something went wrong on our side',
    details: [],
    unexpected: true,
  };
}

/**
 * What an unexpected error may put in the logs: its kind and SQLSTATE and stack, never its
 * message when it came from the database (PostgreSQL quotes the offending values in messages).
 */
export function loggableError(err: unknown): Record<string, unknown> {
  if (err instanceof QueryFailedError) {
    const driverError = err.driverError as {
      code?: unknown;
      constraint?: unknown;
      table?: unknown;
    };
    return {
      errorName: 'QueryFailedError',
      sqlState: driverError.code,
      constraint: driverError.constraint,
      table: driverError.table,
    };
  }
  if (err instanceof Error) {
    const code = errorCodeOf(err);
    return { errorName: err.name, errorCode: code, message: err.message, stack: err.stack };
  }
  return { errorName: typeof err };
}
