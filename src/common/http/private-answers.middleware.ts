import type { NextFunction, Request, Response } from 'express';

const READS = new Set(['GET', 'HEAD']);

/**
 * Answers that hand out a credential (a participant token, a facilitator's access token) or
 * that a signed-in person asked for must not stay in a browser's or a proxy's cache: on a
 * shared or family computer the next person could read them there. Anonymous reads (the public
 * directory, the pages) keep whatever caching their handlers choose.
 */
export function noStoreForPrivateAnswers(req: Request, res: Response, next: NextFunction): void {
  if (req.headers.authorization !== undefined || !READS.has(req.method)) {
    res.setHeader('Cache-Control', 'no-store');
  }
  next();
}
