/**
 * OneAtATime: what room joins queue in (RoomSessionsService), so that a crowd joining one room
 * at once holds one database connection rather than the whole pool.
 */
import { OneAtATime } from '../../src/common/one-at-a-time.js';

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (e: Error) => void } {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('OneAtATime', () => {
  test('runs one task per key at a time, in the order they came; other keys do not wait', async () => {
    const queue = new OneAtATime();
    const started: string[] = [];
    const gates = [deferred(), deferred(), deferred()];
    const task = (name: string, gate: Promise<void>) => async (): Promise<string> => {
      started.push(name);
      await gate;
      return name;
    };
    const first = queue.run('room-a', task('a1', gates[0]!.promise));
    const second = queue.run('room-a', task('a2', gates[1]!.promise));
    const other = queue.run('room-b', task('b1', gates[2]!.promise));
    await tick();
    expect(started).toEqual(['a1', 'b1']);

    gates[2]!.resolve();
    expect(await other).toBe('b1');
    gates[0]!.resolve();
    expect(await first).toBe('a1');
    await tick();
    expect(started).toEqual(['a1', 'b1', 'a2']);
    gates[1]!.resolve();
    expect(await second).toBe('a2');
  });

  test('a task that fails fails alone: the next one still runs', async () => {
    const queue = new OneAtATime();
    const failing = queue.run('room', () => Promise.reject(new Error('conflict')));
    const next = queue.run('room', () => Promise.resolve('joined'));
    await expect(failing).rejects.toThrow('conflict');
    expect(await next).toBe('joined');
  });

  test('keeps no key once its work is done', async () => {
    const queue = new OneAtATime();
    await Promise.all(
      Array.from({ length: 100 }, (_, i) => queue.run(`room-${i % 10}`, () => Promise.resolve(i))),
    );
    await tick();
    expect(queue.size).toBe(0);
  });
});
