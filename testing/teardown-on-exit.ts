// Tears a test cluster down when the test process ends: when its event loop drains, and on
// SIGINT/SIGTERM/SIGHUP (then the signal is raised again, so the process still ends as it would
// have). A SIGKILL cannot be caught; the cluster's owner watch covers that.
const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export function teardownOnExit(teardown: () => Promise<void>): { dispose(): void } {
  let running: Promise<void> | undefined;
  const once = () => {
    running ??= teardown().catch((err: unknown) => {
      console.error(`test cluster teardown failed: ${err instanceof Error ? err.message : String(err)}`);
    });
    return running;
  };
  const onSignal = (signal: NodeJS.Signals) => {
    void once().then(() => {
      dispose();
      process.kill(process.pid, signal);
    });
  };
  const onBeforeExit = () => {
    void once();
  };
  const dispose = () => {
    for (const signal of signals) process.off(signal, onSignal);
    process.off('beforeExit', onBeforeExit);
  };
  for (const signal of signals) process.once(signal, onSignal);
  process.once('beforeExit', onBeforeExit);
  return { dispose };
}
