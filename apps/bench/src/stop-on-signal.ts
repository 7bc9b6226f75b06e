const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * Until the returned handle is disposed, SIGINT and SIGTERM (Ctrl-C, `kill`) first run `stop`, then end the process
 * as the signal would have. A second signal while `stop` runs ends the process at once.
 */
export function stopOnSignal(stop: () => Promise<void>): Disposable {
  const remove = () => {
    for (const signal of SIGNALS) process.off(signal, onSignal);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    remove();
    void stop()
      .catch(() => {})
      .then(() => process.kill(process.pid, signal));
  };
  for (const signal of SIGNALS) process.on(signal, onSignal);
  return { [Symbol.dispose]: remove };
}
