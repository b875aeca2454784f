// Promise helpers for this package's tests; the records they store come from
// `@uaip/core/testing`.

/** Polls `probe` until it returns something other than undefined (or gives up). */
export async function waitFor<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('waitFor: gave up');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** What a promise rejected with, or undefined when it resolved. */
export function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}
