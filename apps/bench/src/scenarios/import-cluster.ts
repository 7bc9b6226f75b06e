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

  private stop(): Promise<void> {
    this.stopping ??= this.cluster.stop();
    return this.stopping;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.signals[Symbol.dispose]();
    await this.stop();
  }
}
