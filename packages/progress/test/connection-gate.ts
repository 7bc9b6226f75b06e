/** A connection whose send buffer a test fills (`block`) and drains (`drain`) by hand; `waits` counts the waits it made. */
export function gate() {
  let open = true;
  let release: () => void = () => {};
  let waits = 0;
  return {
    writable: () => {
      if (open) return undefined;
      waits++;
      return new Promise<void>((resolve) => {
        release = resolve;
      });
    },
    block() {
      open = false;
    },
    drain() {
      open = true;
      release();
    },
    get waits() {
      return waits;
    },
  };
}
