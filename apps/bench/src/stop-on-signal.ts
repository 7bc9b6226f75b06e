const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** Longest wait for `stop` after a signal before the process ends anyway, ms. */
export const SIGNAL_STOP_TIMEOUT_MS = 10_000;

/**
 * Until the returned handle is disposed, SIGINT and SIGTERM (Ctrl-C, `kill`) first run `stop` (for at most
 * `SIGNAL_STOP_TIMEOUT_MS`), then end the process as the signal would have. Signals that come while `stop` runs are
 * ignored: the launchers in between (pnpm, tsx) relay a Ctrl-C again, and ending then would leave the work half done.
 */
export function stopOnSignal(stop: () => Promise<void>): Disposable {
  let stopping = false;
  const remove = () => {
    for (const signal of SIGNALS) process.off(signal, onSignal);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    const timeout = new Promise((resolve) => setTimeout(resolve, SIGNAL_STOP_TIMEOUT_MS).unref());
    void Promise.race([stop().catch(() => {}), timeout]).then(() => {
      remove();
      process.kill(process.pid, signal);
    });
  };
  for (const signal of SIGNALS) process.on(signal, onSignal);
  return { [Symbol.dispose]: remove };
}
