import { Transform } from 'class-transformer';

/**
 * `?day=1,3` and `?day=1&day=3` both become ['1', '3']. Anything else (objects from qs's
 * bracket syntax, say) is passed through as is and then fails validation.
 */
export function CommaList(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) => {
    const parts = Array.isArray(value) ? (value as unknown[]) : [value];
    if (!parts.every((p) => typeof p === 'string')) return value;
    return parts
      .flatMap((p) => p.split(','))
      .map((p) => p.trim())
      .filter((p) => p !== '');
  });
}

/** A query-string number, strictly: "12" and "-3.5" yes, "12abc", "" and "0x10" no (NaN fails @IsNumber). */
export function QueryNumber(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim())
      ? Number(value)
      : value === undefined
        ? undefined
        : NaN,
  );
}

export function QueryBoolean(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) =>
    value === 'true' ? true : value === 'false' ? false : value,
  );
}
