import { ValidationPipe, type ValidationError } from '@nestjs/common';
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
 * Strict by default: unknown fields are errors (not silently dropped), and payloads become DTO
 * instances. The exception factory yields our domain error, so HTTP and sockets can share it.
 */
export function createValidationPipe(
  exceptionFactory: (errors: ValidationError[]) => unknown = (errors) =>
    validationFailed(flattenValidationErrors(errors)),
): ValidationPipe {
  return new ValidationPipe({
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
