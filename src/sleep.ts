// The one way orch-top waits: a promise for the event loop, and a blocking wait for the few places
// where no event loop runs any more (an 'exit' hook).

export const sleep = (ms: number): Promise<void> => new Promise<void>((r) => setTimeout(r, ms));

/** Blocks the thread; only for code that runs when nothing asynchronous can run. */
export function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
