import { DomainError } from '../../common/errors/domain-error.js';

export type ImportFormat = 'meeting-guide' | 'bmlt' | 'csv';

/**
 * The submitted payload as a whole cannot be read (not an array, a CSV without the columns we
 * need, a quote that never closes), so there are no rows to report on one by one. It is a
 * VALIDATION_FAILED DomainError so that an import endpoint answers 400 without extra mapping.
 */
export class ImportParseError extends DomainError {
  constructor(
    readonly format: ImportFormat,
    message: string,
    /** 1-based line of the CSV text where the problem starts, when there is one. */
    readonly line?: number,
  ) {
    super('VALIDATION_FAILED', message, [
      line === undefined ? { field: 'data', message } : { field: 'data', message, line },
    ]);
    this.name = 'ImportParseError';
  }
}
