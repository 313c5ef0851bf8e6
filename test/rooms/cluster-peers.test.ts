/**
 * When an instance may keep its broadcasts to itself (ClusterPeers): only while everything says
 * it is alone, and never in the windows where another instance could have gone unheard. Times
 * are given explicitly (milliseconds on the monotonic clock).
 */
import {
  ADAPTER_HEARTBEAT_MS,
  ADAPTER_HEARTBEAT_TIMEOUT_MS,
  ClusterPeers,
} from '../../src/rooms/realtime/cluster-peers.js';

const LISTEN = { connection: 'listen' };
const T0 = 1_000_000;

/** A lone instance past every grace: LISTEN up and echoing, the database read, nobody heard. */
function lone(): { peers: ClusterPeers; at: number } {
  const peers = new ClusterPeers();
  peers.databaseSaw(0, T0);
  let at = T0;
  peers.notification(LISTEN, at);
  // Our own heartbeats keep coming back; the database is read every 10 s.
  while (at < T0 + 60_000) {
    at += ADAPTER_HEARTBEAT_MS;
    peers.notification(LISTEN, at);
    if ((at - T0) % 10_000 === 0) peers.databaseSaw(0, at);
  }
  return { peers, at };
}

describe('ClusterPeers: publishing only when surely alone', () => {
  test('a new instance publishes everything until its LISTEN connection has been up a while', () => {
    const peers = new ClusterPeers();
    peers.databaseSaw(0, T0);
    expect(peers.mustPublish(T0)).toBe(true); // nothing heard yet: LISTEN may not be up
    peers.notification(LISTEN, T0);
    expect(peers.mustPublish(T0 + 1)).toBe(true);
    for (let at = T0; at <= T0 + 2 * ADAPTER_HEARTBEAT_TIMEOUT_MS; at += ADAPTER_HEARTBEAT_MS) {
      peers.notification(LISTEN, at);
      peers.databaseSaw(0, at);
      expect(peers.mustPublish(at)).toBe(at - T0 < 2 * ADAPTER_HEARTBEAT_TIMEOUT_MS);
    }
  });

  test('alone: nothing is published', () => {
    const { peers, at } = lone();
    expect(peers.mustPublish(at)).toBe(false);
  });

  test('another instance heard: everything is published, and for a while after it went quiet', () => {
    const { peers, at } = lone();
    peers.peerHeard(at);
    expect(peers.mustPublish(at)).toBe(true);
    // Well past the adapter's own timeout for a silent peer (it may only have been slow).
    const later = at + 2 * ADAPTER_HEARTBEAT_TIMEOUT_MS;
    peers.notification(LISTEN, later);
    peers.databaseSaw(0, later);
    expect(peers.mustPublish(later)).toBe(true);
    const muchLater = at + 3 * ADAPTER_HEARTBEAT_TIMEOUT_MS;
    peers.notification(LISTEN, muchLater);
    peers.databaseSaw(0, muchLater);
    expect(peers.mustPublish(muchLater)).toBe(false);
  });

  test('the database lists another live instance (one whose notifications do not arrive): published', () => {
    const { peers, at } = lone();
    peers.databaseSaw(1, at);
    expect(peers.mustPublish(at)).toBe(true);
    peers.databaseSaw(0, at + 10_000);
    peers.notification(LISTEN, at + 10_000);
    expect(peers.mustPublish(at + 10_000)).toBe(false);
  });

  test('a database reading that is too old no longer counts', () => {
    const { peers, at } = lone();
    const later = at + 30_000;
    for (let t = at; t <= later; t += ADAPTER_HEARTBEAT_MS) peers.notification(LISTEN, t);
    expect(peers.mustPublish(later)).toBe(true);
  });

  test('our own heartbeat stops coming back (a LISTEN connection dead without saying so): published', () => {
    const { peers, at } = lone();
    expect(peers.mustPublish(at + 2 * ADAPTER_HEARTBEAT_MS)).toBe(false);
    expect(peers.mustPublish(at + 4 * ADAPTER_HEARTBEAT_MS)).toBe(true);
  });

  test('the LISTEN connection ends and another takes over: published until the new one has been up a while', () => {
    const { peers, at } = lone();
    peers.connectionEnded({ connection: 'some query connection' });
    expect(peers.mustPublish(at)).toBe(false);
    peers.connectionEnded(LISTEN);
    expect(peers.mustPublish(at)).toBe(true);
    const replacement = { connection: 'listen again' };
    let t = at + 2_000;
    peers.notification(replacement, t);
    for (; t < at + 2_000 + 2 * ADAPTER_HEARTBEAT_TIMEOUT_MS; t += ADAPTER_HEARTBEAT_MS) {
      peers.notification(replacement, t);
      peers.databaseSaw(0, t);
      expect(peers.mustPublish(t)).toBe(true);
    }
    peers.notification(replacement, t);
    peers.databaseSaw(0, t);
    expect(peers.mustPublish(t)).toBe(false);
  });
});
