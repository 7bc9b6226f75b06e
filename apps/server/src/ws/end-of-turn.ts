/** A writer that holds its writes back until `flush`. */
export interface HeldWrites {
  /** Hands what it holds to the kernel; nothing when it holds nothing. */
  flush(): void;
}

/**
 * Flushes, once per turn of the event loop, every writer that held writes back during it: one `setImmediate` for
 * all of them. It runs after the turn's I/O callbacks, or, for writes held from a `setImmediate` callback, after
 * the next turn's; so a write waits at most about one turn of the loop.
 */
class EndOfTurn {
  private held: HeldWrites[] = [];

  /** Flushes `writer` at the end of this turn; add it once per turn. */
  add(writer: HeldWrites): void {
    this.held.push(writer);
    if (this.held.length === 1) setImmediate(this.run);
  }

  private readonly run = (): void => {
    const writers = this.held;
    this.held = [];
    for (const writer of writers) writer.flush();
  };
}

/** The process's one end-of-turn flush. */
export const endOfTurn = new EndOfTurn();
