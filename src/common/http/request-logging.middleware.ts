import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { requestContext } from '../logging/request-context.js';

const CLIENT_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;
const logger = new Logger('HTTP');

/**
 * Gives each request an id (the caller's X-Request-Id when it is sane), returns it in the
 * response, and logs one line when the response is done. The line names the route pattern, not
 * the concrete URL: paths and query strings can carry search text, slugs or certificate codes,
 * and we log no client addresses at all.
 */
export function requestLogging(req: Request, res: Response, next: NextFunction): void {
  const incoming = req.header('x-request-id');
  const requestId =
    incoming !== undefined && CLIENT_REQUEST_ID.test(incoming) ? incoming : randomUUID();
  res.setHeader('X-Request-Id', requestId);
  const started = process.hrtime.bigint();
  res.on('finish', () => {
    const route = (req.route as { path?: unknown } | undefined)?.path;
    logger.log('request completed', {
      requestId,
      method: req.method,
      route: typeof route === 'string' ? `${req.baseUrl}${route}` : '(unmatched)',
      status: res.statusCode,
      durationMs: Number((process.hrtime.bigint() - started) / 1000n) / 1000,
    });
  });
  requestContext.run({ requestId }, next);
}
