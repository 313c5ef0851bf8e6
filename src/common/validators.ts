import { ValidateBy, type ValidationOptions } from 'class-validator';

const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?(Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;

/** The date must exist: JavaScript would quietly read 2026-02-30 as 2 March. */
function isInstant(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const match = ISO_INSTANT.exec(value);
  if (match === null || !Number.isFinite(Date.parse(value))) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const calendar = new Date(Date.UTC(year, month - 1, day));
  return calendar.getUTCMonth() === month - 1 && calendar.getUTCDate() === day;
}

/**
 * An instant we can read without guessing: calendar date, time, and an explicit offset or Z
 * (`2026-11-22T18:30:00Z`). Week dates, ordinal dates and offset-less times are refused rather
 * than read in the server's own zone.
 */
export function IsInstant(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isInstant',
      validator: {
        validate: isInstant,
        defaultMessage: (args) =>
          `${args?.property ?? 'value'} must be an ISO 8601 instant with a zone, e.g. 2026-11-22T18:30:00Z`,
      },
    },
    options,
  );
}
