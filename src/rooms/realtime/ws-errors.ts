import { ArgumentsHost, Catch, Logger, type WsExceptionFilter } from '@nestjs/common';
import { WsException } from '@nestjs/websockets';
import { describeError, loggableError } from '../../common/errors/describe-error.js';
import { DomainError } from '../../common/errors/domain-error.js';
import {
  createValidationPipe,
  flattenValidationErrors,
  validationFailed,
} from '../../common/validation.js';
import type { Ack } from '../room-events.js';

const logger = new Logger('RoomsGateway');

/** Socket payloads are validated as strictly as HTTP bodies; failures become WsExceptions. */
export const wsValidationPipe = createValidationPipe(
  (errors) => new WsException(validationFailed(flattenValidationErrors(errors))),
);

/** The failure ack for anything thrown: the same codes as HTTP (describeError), never a stack. */
export function errorAck(err: unknown): Ack<never> {
  const inner = err instanceof WsException ? err.getError() : err;
  const described = describeError(
    inner instanceof DomainError ? inner : inner instanceof Error ? inner : err,
  );
  if (described.unexpected) logger.error('socket event failed', loggableError(inner));
  return { ok: false, error: { code: described.code, message: described.message } };
}

/**
 * Every error of a socket event ends as `{ ok: false, error }` in the event's ack. An event sent
 * without an ack callback just gets nothing back: never an exception event, never a disconnect.
 */
@Catch()
export class WsAckExceptionFilter implements WsExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const ack: unknown = host.getArgByIndex(2);
    const reply = errorAck(exception);
    if (typeof ack === 'function') (ack as (r: Ack<never>) => void)(reply);
  }
}
