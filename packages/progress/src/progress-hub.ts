import { InMemoryBus, type ProgressBus } from './bus';
import { type PersistedJobs, ProgressEmitter } from './progress-emitter';
import { RoomRegistry, type RoomRegistryOptions } from './room-registry';

/** Options of a progress hub: a bus (in-memory by default), the registry's bounds, and the emitter's persisted state. */
export interface ProgressHubOptions extends RoomRegistryOptions {
  bus?: ProgressBus;
  /** Where the emitter reads the state of jobs whose room is not in memory (none by default). */
  persisted?: PersistedJobs;
}

/** The progress layer of one process: the bus, its room registry and the emitter that server code is given. */
export interface ProgressHub extends Disposable {
  bus: ProgressBus;
  registry: RoomRegistry;
  emitter: ProgressEmitter;
}

/** Wires a bus, a registry and an emitter together. */
export function createProgressHub(options: ProgressHubOptions = {}): ProgressHub {
  const { bus = new InMemoryBus(), persisted, ...registryOptions } = options;
  const registry = new RoomRegistry(bus, registryOptions);
  const emitter = new ProgressEmitter({ bus, registry, persisted });
  return { bus, registry, emitter, [Symbol.dispose]: () => registry[Symbol.dispose]() };
}
