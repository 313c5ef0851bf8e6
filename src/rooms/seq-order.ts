import { Logger } from '@nestjs/common';

const logger = new Logger('SeqOrder');

/**
 * One failed broadcast must not hold up the room's next messages, nor fail the send whose answer
 * happened to release it: the message is stored, and members catch up with room:sync.
 */
function sendSafely(send: () => void): void {
  try {
    send();
  } catch (err) {
    logger.error('sending a stored message failed', { error: (err as Error).message });
  }
}

/** One message being stored: settle it with deliver() or cancel(), once. */
export interface SeqTicket {
  /** The message got `seq`; `send` runs once every smaller seq stored meanwhile has gone out. */
  deliver(seq: number, send: () => void): void;
  /** Nothing was stored (a failure, a retry answered with the first message). */
  cancel(): void;
}

interface Running {
  /** When the store started, on this room's own clock of events. */
  begun: number;
}

interface Waiting {
  seq: number;
  finished: number;
  send: () => void;
  /** Stores that may yet come back with a smaller seq. */
  blockers: Set<Running>;
}

interface RoomOrder {
  clock: number;
  running: Set<Running>;
  /** Sorted by seq. */
  waiting: Waiting[];
}

/**
 * Sends a room's new messages from this instance in seq order.
 *
 * Sends to one room take their seqs in turn (the room's row lock), but the answers come back on
 * different database connections, in whatever order the backends and the event loop get to
 * them: seq 9 can arrive after seq 12. A stored message waits only for stores of the same room
 * that could still come back with a smaller seq, and those are the ones that began before it
 * (or before any larger seq) came back: a store that begins later takes its seq later. A quiet
 * room pays nothing.
 */
export class SeqOrder {
  private readonly rooms = new Map<string, RoomOrder>();

  /** Call right before storing a message in `roomId`. */
  begin(roomId: string): SeqTicket {
    let order = this.rooms.get(roomId);
    if (order === undefined) {
      order = { clock: 0, running: new Set(), waiting: [] };
      this.rooms.set(roomId, order);
    }
    const room = order;
    const self: Running = { begun: ++room.clock };
    room.running.add(self);
    let settled = false;
    return {
      deliver: (seq, send) => {
        if (settled) return;
        settled = true;
        room.running.delete(self);
        // The usual case: nothing else of this room in flight or waiting.
        if (room.running.size === 0 && room.waiting.length === 0) {
          this.rooms.delete(roomId);
          sendSafely(send);
          return;
        }
        const finished = ++room.clock;
        // Larger seqs already back: whatever began after the first of them has a larger seq still.
        let horizon = finished;
        for (const w of room.waiting) if (w.seq > seq) horizon = Math.min(horizon, w.finished);
        const blockers = new Set([...room.running].filter((r) => r.begun < horizon));
        const waiting: Waiting = { seq, finished, send, blockers };
        const at = room.waiting.findIndex((w) => w.seq > seq);
        if (at === -1) room.waiting.push(waiting);
        else room.waiting.splice(at, 0, waiting);
        this.settle(roomId, room, self);
      },
      cancel: () => {
        if (settled) return;
        settled = true;
        room.running.delete(self);
        this.settle(roomId, room, self);
      },
    };
  }

  private settle(roomId: string, room: RoomOrder, done: Running): void {
    for (const waiting of room.waiting) waiting.blockers.delete(done);
    for (let next = room.waiting[0]; next?.blockers.size === 0; next = room.waiting[0]) {
      room.waiting.shift();
      sendSafely(next.send);
    }
    if (room.running.size === 0 && room.waiting.length === 0) this.rooms.delete(roomId);
  }
}
