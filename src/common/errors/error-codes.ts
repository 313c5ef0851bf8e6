/**
 * The contract's error codes (REST bodies and socket acks share them). UNAVAILABLE is our
 * addition for "the database is unreachable right now, try again" instead of a bare 500.
 */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'ROOM_CLOSED',
  'ROOM_LOCKED',
  'WAITING_FOR_ADMISSION',
  'NOT_IN_ROOM',
  'HANDLE_TAKEN',
  'MUTED',
  'BANNED',
  'SLOW_MODE',
  'RATE_LIMITED',
  'CONFLICT',
  'INTERNAL',
  'UNAVAILABLE',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export function httpStatusFor(code: ErrorCode): number {
  switch (code) {
    case 'VALIDATION_FAILED':
      return 400;
    case 'UNAUTHORIZED':
      return 401;
    case 'FORBIDDEN':
    case 'MUTED':
    case 'BANNED':
      return 403;
    case 'NOT_FOUND':
      return 404;
    case 'ROOM_CLOSED':
    case 'WAITING_FOR_ADMISSION':
    case 'NOT_IN_ROOM':
    case 'HANDLE_TAKEN':
    case 'CONFLICT':
      return 409;
    case 'ROOM_LOCKED':
      return 423;
    case 'SLOW_MODE':
    case 'RATE_LIMITED':
      return 429;
    case 'INTERNAL':
      return 500;
    case 'UNAVAILABLE':
      return 503;
  }
}
