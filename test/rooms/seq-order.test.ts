/**
 * SeqOrder: a room's messages stored by this instance go out in seq order, whatever order the
 * database's answers come back in, and without waiting for stores that began later.
 */
import { SeqOrder } from '../../src/rooms/seq-order.js';

describe('SeqOrder', () => {
  test('answers that come back out of order go out in seq order', () => {
    const order = new SeqOrder();
    const sent: number[] = [];
    const [a, b, c] = [order.begin('r'), order.begin('r'), order.begin('r')];
    b.deliver(2, () => sent.push(2));
    c.deliver(3, () => sent.push(3));
    expect(sent).toEqual([]); // a may still come back with 1
    a.deliver(1, () => sent.push(1));
    expect(sent).toEqual([1, 2, 3]);
  });

  test('a store that fails releases those waiting for it', () => {
    const order = new SeqOrder();
    const sent: number[] = [];
    const [a, b] = [order.begin('r'), order.begin('r')];
    b.deliver(7, () => sent.push(7));
    expect(sent).toEqual([]);
    a.cancel();
    expect(sent).toEqual([7]);
  });

  test('a message does not wait for stores that began after it came back, nor for other rooms', () => {
    const order = new SeqOrder();
    const sent: string[] = [];
    const a = order.begin('r');
    const other = order.begin('elsewhere');
    a.deliver(1, () => sent.push('r1'));
    const later = order.begin('r');
    expect(sent).toEqual(['r1']);
    const b = order.begin('r');
    b.deliver(3, () => sent.push('r3'));
    // `later` began before 3 came back: it may hold 2.
    expect(sent).toEqual(['r1']);
    later.deliver(2, () => sent.push('r2'));
    expect(sent).toEqual(['r1', 'r2', 'r3']);
    other.cancel();
  });

  test('a smaller seq that comes back late waits only for what began before the larger ones came back', () => {
    const order = new SeqOrder();
    const sent: number[] = [];
    const first = order.begin('r');
    const second = order.begin('r');
    second.deliver(6, () => sent.push(6));
    // Began after 6 came back: it will get 7 or more, so 5 need not wait for it.
    const third = order.begin('r');
    first.deliver(5, () => sent.push(5));
    expect(sent).toEqual([5, 6]);
    third.deliver(7, () => sent.push(7));
    expect(sent).toEqual([5, 6, 7]);
  });

  test('settling twice is ignored, and a throwing send does not hold up the rest', () => {
    const order = new SeqOrder();
    const sent: number[] = [];
    const [a, b] = [order.begin('r'), order.begin('r')];
    b.deliver(2, () => sent.push(2));
    a.deliver(1, () => {
      throw new Error('broadcast failed');
    });
    a.cancel();
    b.deliver(9, () => sent.push(9));
    expect(sent).toEqual([2]);
  });
});
