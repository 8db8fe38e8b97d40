/**
 * A lazy load shared by every caller: the first call starts it and the rest wait on the same
 * promise. A rejected load is forgotten, so the next call tries again instead of keeping a
 * passing fault (a chunk or a table briefly out of reach) for the container's lifetime.
 */
export function loadOnce<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () =>
    (loaded ??= load().catch((error: unknown) => {
      loaded = undefined;
      throw error;
    }));
}
