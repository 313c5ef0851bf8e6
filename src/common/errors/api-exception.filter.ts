import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { describeError, loggableError, type DescribedError } from './describe-error.js';

export interface ErrorBody {
  error: { code: DescribedError['code']; message: string; details: DescribedError['details'] };
}

export function errorBody(described: DescribedError): ErrorBody {
  return {
    error: { code: described.code, message: described.message, details: described.details },
  };
}

const logger = new Logger('Errors');

/** Writes the contract's error shape; shared by the exception filter and the body-parser guard. */
export function sendError(res: Response, err: unknown): void {
  const described = describeError(err);
  if (described.unexpected) logger.error('request failed', loggableError(err));
  if (res.headersSent) {
    res.end();
    return;
  }
  // .type() first: a handler may have set another Content-Type (text/calendar) before failing.
  res.status(described.status).type('application/json; charset=utf-8').json(errorBody(described));
}

/** Every HTTP error, from any layer, leaves in one shape: `{ error: { code, message, details } }`. */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    sendError(host.switchToHttp().getResponse<Response>(), exception);
  }
}
