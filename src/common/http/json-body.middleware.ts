import express, {
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import { DomainError } from '../errors/domain-error.js';
import { sendError } from '../errors/api-exception.filter.js';

interface BodyParserError {
  type?: unknown;
  status?: unknown;
}

function toDomainError(err: unknown, limitBytes: number): DomainError {
  switch ((err as BodyParserError).type) {
    case 'entity.too.large':
      return new DomainError(
        'VALIDATION_FAILED',
        `Request body is larger than ${limitBytes} bytes`,
        [],
        413,
      );
    case 'entity.parse.failed':
      return new DomainError(
        'VALIDATION_FAILED',
        'Request body is not valid JSON (objects and arrays only)',
      );
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new DomainError('VALIDATION_FAILED', 'Request body must be UTF-8 JSON', [], 415);
    default:
      return new DomainError('VALIDATION_FAILED', 'Request body could not be read');
  }
}

/**
 * JSON body parsing with our error shape. Express reports parser failures through its own
 * error chain, which Nest's exception filters never see, so they are caught right here.
 */
export function jsonBody(limitBytes: number): RequestHandler {
  const parse = express.json({ limit: limitBytes, strict: true });
  return (req: Request, res: Response, next: NextFunction) => {
    parse(req, res, (err?: unknown) => {
      if (err === undefined || err === null) {
        next();
        return;
      }
      sendError(res, toDomainError(err, limitBytes));
    });
  };
}
