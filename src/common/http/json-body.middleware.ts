import express, {
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import { DomainError } from '../errors/domain-error.js';
import { sendError } from '../errors/api-exception.filter.js';
import { MAX_PAYLOAD_DEPTH, payloadShapeProblem } from '../payload-shape.js';

class ForbiddenKeyError extends Error {}

/**
 * `__proto__` as a JSON key (also spelled with unicode escapes) is never legitimate input and is
 * the usual first step of prototype pollution: refuse the whole body rather than strip it.
 */
function rejectPrototypeKeys(key: string, value: unknown): unknown {
  if (key === '__proto__')
    throw new ForbiddenKeyError('Request body must not contain a "__proto__" key');
  return value;
}

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
      if (err instanceof ForbiddenKeyError)
        return new DomainError('VALIDATION_FAILED', err.message);
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
 * `largerFor` raises the limit for particular paths (imports carry whole directories).
 */
export function jsonBody(
  limitBytes: number,
  largerFor: Record<string, number> = {},
): RequestHandler {
  const parserFor = (limit: number): RequestHandler =>
    express.json({ limit, strict: true, reviver: rejectPrototypeKeys });
  const defaultParser = parserFor(limitBytes);
  const special = new Map(
    Object.entries(largerFor).map(([path, limit]) => [path, { limit, parse: parserFor(limit) }]),
  );
  return (req: Request, res: Response, next: NextFunction) => {
    const chosen = special.get(req.path) ?? { limit: limitBytes, parse: defaultParser };
    void chosen.parse(req, res, (err?: unknown) => {
      if (err === undefined || err === null) {
        // Depth only: the reviver has already refused __proto__ keys at any depth.
        if (payloadShapeProblem(req.body, { prototypeKeys: false }) === 'too-deep') {
          sendError(
            res,
            new DomainError(
              'VALIDATION_FAILED',
              `Request body is nested more than ${MAX_PAYLOAD_DEPTH} levels deep`,
            ),
          );
          return;
        }
        next();
        return;
      }
      sendError(res, toDomainError(err, chosen.limit));
    });
  };
}
