import {
  type ArgumentMetadata,
  ValidationPipe,
  type ValidationError,
  type ValidationPipeOptions,
} from '@nestjs/common';
import { DomainError, type ErrorDetail } from './errors/domain-error.js';

/** Turns class-validator's nested tree into flat `{ field, message }` entries. */
export function flattenValidationErrors(errors: ValidationError[], prefix = ''): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  for (const error of errors) {
    const field = prefix === '' ? error.property : `${prefix}.${error.property}`;
    for (const message of Object.values(error.constraints ?? {})) {
      details.push({ field, message });
    }
    if (error.children !== undefined && error.children.length > 0) {
      details.push(...flattenValidationErrors(error.children, field));
    }
  }
  return details;
}

export function validationFailed(details: ErrorDetail[]): DomainError {
  const summary = details
    .slice(0, 3)
    .map((d) => d.message)
    .join('; ');
  return new DomainError('VALIDATION_FAILED', summary === '' ? 'Invalid input' : summary, details);
}

/** Per DTO class: recognises a payload that is plainly valid and returns the DTO for it. */
const plainlyValid = new Map<unknown, (value: unknown) => object | undefined>();

/**
 * Registers a fast check for a DTO class that is validated very often (message:send). It must
 * accept only payloads that the class's own decorators accept, and return exactly the instance
 * the pipe would make; it may pass on anything else (undefined), which then goes through
 * class-validator as usual, so every error still comes from there, worded as always.
 */
export function registerPlainValidation<T extends object>(
  type: new () => T,
  check: (value: unknown) => T | undefined,
): void {
  plainlyValid.set(type, check);
}

/** The fast check registered for a DTO class, if any (for tests). */
export function plainValidationOf(
  type: unknown,
): ((value: unknown) => object | undefined) | undefined {
  return plainlyValid.get(type);
}

/**
 * Refuses `prototype` and the names of Object.prototype's members (`__proto__`, `constructor`,
 * `toString`, …) as the unknown fields they are. Nest's ValidationPipe deletes the first three
 * and class-transformer skips the rest, so the whitelist never saw them: they were dropped
 * silently instead of refused like every other unknown field.
 */
class StrictValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const plain = plainlyValid.get(metadata.metatype)?.(value);
    if (plain !== undefined) return plain;
    if (
      this.toValidate(metadata) &&
      typeof value === 'object' &&
      value !== null &&
      !Array.isArray(value)
    ) {
      const inherited = Object.keys(value).filter(
        (key) => key === 'prototype' || key in Object.prototype,
      );
      if (inherited.length > 0) {
        throw this.exceptionFactory(
          inherited.map((property) => ({
            property,
            constraints: { whitelistValidation: `property ${property} should not exist` },
            children: [],
          })),
        );
      }
    }
    return super.transform(value, metadata);
  }
}

/** How every DTO is validated, for HTTP and sockets alike (the error's shape aside). */
export const VALIDATION_OPTIONS = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  transform: true,
  transformOptions: { enableImplicitConversion: false },
  validationError: { target: false, value: false },
  stopAtFirstError: false,
} as const satisfies ValidationPipeOptions;

/**
 * Strict by default: unknown fields are errors (not silently dropped), and payloads become DTO
 * instances. The exception factory yields our domain error, so HTTP and sockets can share it.
 */
export function createValidationPipe(
  exceptionFactory: (errors: ValidationError[]) => unknown = (errors) =>
    validationFailed(flattenValidationErrors(errors)),
): ValidationPipe {
  return new StrictValidationPipe({ ...VALIDATION_OPTIONS, exceptionFactory });
}
