import type { ErrorCode } from './error-codes.js';

export interface ErrorDetail {
  /** Dotted path of the offending field (`location.lat`), or absent for the request as a whole. */
  field?: string;
  message: string;
  [extra: string]: unknown;
}

/**
 * The one error type services throw. HTTP and socket layers translate it (see describe-error.ts);
 * the message is shown to clients, so it must never carry secrets or other people's data.
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetail[] = [],
    /** Overrides the code's usual HTTP status, e.g. 413 for a VALIDATION_FAILED body that is too large. */
    readonly httpStatus?: number,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
