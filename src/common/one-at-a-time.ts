/**
 * Runs tasks one at a time per key, in the order they come, on this instance. A key is
 * forgotten as soon as its last task has settled, so the map holds only keys with work queued.
 */
export class OneAtATime {
  private readonly tails = new Map<string, Promise<void>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key);
    const result = previous === undefined ? task() : previous.then(task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Keys with work queued or running: for tests and diagnostics. */
  get size(): number {
    return this.tails.size;
  }
}
