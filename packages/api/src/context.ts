import type { RoomRegistry } from '@jobstream/progress';

/** What every procedure can use; the server builds one per connection or request. */
export interface ApiContext {
  /** The process's room registry, for subscriptions. */
  registry: RoomRegistry;
}
