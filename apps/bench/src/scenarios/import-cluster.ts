import { createSchema, type PostgresCluster, startPostgresCluster } from '@jobstream/storage/testing';
import { stopOnSignal } from '../stop-on-signal';

/**
 * The throwaway PostgreSQL cluster of S4's PostgreSQL runs (`startPostgresCluster`: initdb in a temporary folder,
 * a free port, no fsync), with a fresh schema for each run. Disposing it, or SIGINT or SIGTERM before that, stops the
 * server and removes its folder.
 */
export class ImportCluster implements AsyncDisposable {
  private stopping: Promise<void> | undefined;
  private readonly signals: Disposable;

  private constructor(private readonly cluster: PostgresCluster) {
    this.signals = stopOnSignal(() => this.stop());
  }

  /** Starts the cluster; rejects with why not (PostgreSQL not installed, say). */
  static async start(): Promise<ImportCluster> {
    return new ImportCluster(await startPostgresCluster());
  }

  /** A new, empty schema: its URL (`search_path` set to it) and a way to drop it with everything in it. */
  freshSchema(): Promise<{ url: string; drop(): Promise<void> }> {
    return createSchema(this.cluster.url);
  }

  /** True once the cluster is stopping or stopped (disposed, or a signal came): it takes no more runs. */
  get stopped(): boolean {
    return this.stopping !== undefined;
  }

  private stop(): Promise<void> {
    this.stopping ??= this.cluster.stop();
    return this.stopping;
  }

  /** Stops the cluster; a signal that comes meanwhile waits for that stop, then ends the process. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
    this.signals[Symbol.dispose]();
  }
}
