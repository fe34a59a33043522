/**
 * How the per-container caches (recent ids, chain tails, folded minutes,
 * baselines) stay bounded: a Map or Set iterates in insertion order, so its
 * first key is the oldest entry, the one dropped to make room. Pure.
 */
export function makeRoom<K>(entries: Map<K, unknown> | Set<K>, capacity: number): void {
  if (entries.size >= capacity) entries.delete(entries.keys().next().value!);
}
