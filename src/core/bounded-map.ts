/**
 * A Map that keeps at most `max` entries: setting a new key beyond that drops the oldest entry (insertion order)
 * and hands it to `onEvict` (e.g. to close a file descriptor). For caches keyed by caller-controlled values (pids,
 * paths, sessions) whose size must stay bounded in a long-lived process.
 */
export class BoundedMap<K, V> extends Map<K, V> {
  constructor(
    private readonly max: number,
    private readonly onEvict?: (key: K, value: V) => void,
  ) {
    super();
  }

  override set(key: K, value: V): this {
    super.set(key, value);
    if (this.size > this.max) {
      const oldest = this.entries().next().value as [K, V];
      super.delete(oldest[0]);
      this.onEvict?.(oldest[0], oldest[1]);
    }
    return this;
  }
}
