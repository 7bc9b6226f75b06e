import { mkdir } from 'node:fs/promises';
import { type Child, describeExit, type ExitStatus, spawnNode, stopChild } from './child';
import { answers, waitUntil } from './wait-until';

/** Longest wait for an instance's `/readyz` to answer 200 after its start. */
const READY_TIMEOUT_MS = 60_000;
/** How long a stopping instance may drain (its SHUTDOWN_DRAIN_MS is 5 s by default) before it is killed. */
const STOP_GRACE_MS = 15_000;

/** What every instance of one cluster shares. */
export interface InstanceSettings {
  /** The API server's built process, `apps/server/dist/main.mjs`. */
  script: string;
  /** Its environment, but for what differs per instance (`PORT`, `DATA_DIR`). */
  env: Record<string, string | undefined>;
  print: (line: string) => void;
  /** Called each time an instance's process exits, with how and the process id it had. */
  onExit: (instance: ApiInstance, status: ExitStatus, pid: number) => void;
}

/**
 * One API server process of the cluster (`node apps/server/dist/main.mjs`) on a port and a `DATA_DIR` of its own,
 * which it keeps across restarts. Nothing restarts it by itself: a dead instance stays dead until `start`.
 */
export class ApiInstance {
  private child: Child | undefined;
  constructor(
    /** Its number in the cluster, from 1. */
    readonly n: number,
    readonly port: number,
    readonly dataDir: string,
    private readonly settings: InstanceSettings,
  ) {}

  /** `http://127.0.0.1:<port>`. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Its process id while it runs. */
  get pid(): number | undefined {
    return this.running ? this.child?.pid : undefined;
  }

  get running(): boolean {
    return this.child?.running ?? false;
  }

  /**
   * Starts the process and resolves once `/readyz` answers 200; rejects with its last output if it exits first, or
   * when `signal` aborts (the process is then left to the caller's `stop`).
   */
  async start(signal?: AbortSignal): Promise<void> {
    if (this.running) throw new Error(`instance ${this.n} is running (pid ${this.pid})`);
    await mkdir(this.dataDir, { recursive: true });
    const child = spawnNode({
      name: `instance ${this.n}`,
      script: this.settings.script,
      env: { ...this.settings.env, PORT: String(this.port), DATA_DIR: this.dataDir },
      print: this.settings.print,
    });
    this.child = child;
    let exit: ExitStatus | undefined;
    void child.exited.then((status) => {
      exit = status;
      this.settings.onExit(this, status, child.pid);
    });
    await waitUntil({
      what: `instance ${this.n}'s /readyz answering 200`,
      check: () => answers(`${this.url}/readyz`, 200),
      stopped: () => exit && `instance ${this.n} exited (${describeExit(exit)}) before it was ready: ${child.tail()}`,
      signal,
      timeoutMs: READY_TIMEOUT_MS,
    });
  }

  /** Sends `signal` to the process (SIGKILL: a crash; SIGTERM: a graceful shutdown) and resolves once it exited. */
  async signal(signal: NodeJS.Signals): Promise<void> {
    if (!this.child) return;
    await stopChild(this.child, STOP_GRACE_MS, signal);
  }

  /** Stops it gracefully (killed if it takes longer than the grace). */
  stop(): Promise<void> {
    return this.signal('SIGTERM');
  }
}
