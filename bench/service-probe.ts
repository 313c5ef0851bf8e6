/**
 * Loaded into the service process by the soak benchmark (`node --expose-gc --import
 * service-probe.js dist/src/main.js`): answers each message on the IPC channel with the
 * process's heap and its active handles, so that the service needs no stats endpoint.
 */
const gc = (globalThis as { gc?: () => void }).gc;

if (process.send !== undefined) {
  // The channel must not keep the service alive once it wants to exit.
  process.channel?.unref();
  process.on('message', (message: { gc?: boolean }) => {
    if (message.gc === true && gc !== undefined) {
      // Twice: the first pass may only queue finalizers whose objects the second one frees.
      gc();
      gc();
    }
    const memory = process.memoryUsage();
    const resources: Record<string, number> = {};
    for (const kind of process.getActiveResourcesInfo())
      resources[kind] = (resources[kind] ?? 0) + 1;
    process.send?.({
      heapUsed: memory.heapUsed,
      heapTotal: memory.heapTotal,
      external: memory.external,
      rss: memory.rss,
      resources,
    });
  });
}

export {};
