import { type ArgumentMetadata, ValidationPipe, type ValidationError } from '@nestjs/common';
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

/**
 * Refuses `prototype` and the names of Object.prototype's members (`__proto__`, `constructor`,
 * `toString`, …) as the unknown fields they are. Nest's ValidationPipe deletes the first three
 * and class-transformer skips the rest, so the whitelist never saw them: they were dropped
 * silently instead of refused like every other unknown field.
 */
class StrictValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
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

/**
 * Strict by default: unknown fields are errors (not silently dropped), and payloads become DTO
 * instances. The exception factory yields our domain error, so HTTP and sockets can share it.
 */
export function createValidationPipe(
  exceptionFactory: (errors: ValidationError[]) => unknown = (errors) =>
    validationFailed(flattenValidationErrors(errors)),
): ValidationPipe {
  return new StrictValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    stopAtFirstError: false,
    exceptionFactory,
  });
}
