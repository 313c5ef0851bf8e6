/**
 * Settles with `promise`, or with `onTimeout()` after `ms`. The timer is cleared either way, so
 * a finished race never keeps the process alive.
 */
export async function withTimeout<T, U = T>(
  promise: Promise<T>,
  ms: number,
  onTimeout: () => U,
): Promise<T | U> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<U>((resolve) => {
    timer = setTimeout(() => resolve(onTimeout()), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
