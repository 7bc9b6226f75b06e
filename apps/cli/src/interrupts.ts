import { ExitCode } from './exit-codes';

/**
 * Runs `work` with Ctrl-C taken over: the first SIGINT aborts the signal `work` gets (which decides what
 * interrupting means), a second one exits at once. Outside `work`, Ctrl-C ends the process as usual.
 */
export async function withInterrupts<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onInterrupt = () => {
    if (controller.signal.aborted) process.exit(ExitCode.INTERRUPTED);
    controller.abort();
  };
  process.on('SIGINT', onInterrupt);
  try {
    return await work(controller.signal);
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}
