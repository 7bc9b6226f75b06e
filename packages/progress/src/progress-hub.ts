import { InMemoryBus, type ProgressBus } from './bus';
import { ProgressEmitter } from './progress-emitter';
import { RoomRegistry, type RoomRegistryOptions } from './room-registry';

/** Options of a progress hub: a bus (in-memory by default) and the registry's bounds. */
export interface ProgressHubOptions extends RoomRegistryOptions {
  bus?: ProgressBus;
}

/** The progress layer of one process: the bus, its room registry and the emitter that server code is given. */
export interface ProgressHub extends Disposable {
  bus: ProgressBus;
  registry: RoomRegistry;
  emitter: ProgressEmitter;
}

/** Wires a bus, a registry and an emitter together. */
export function createProgressHub(options: ProgressHubOptions = {}): ProgressHub {
  const { bus = new InMemoryBus(), ...registryOptions } = options;
  const registry = new RoomRegistry(bus, registryOptions);
  const emitter = new ProgressEmitter({ bus, registry });
  return { bus, registry, emitter, [Symbol.dispose]: () => registry[Symbol.dispose]() };
}
