/**
 * `items` grouped by `keyOf`, groups and their items in first-seen order. Node 21's
 * `Map.groupBy` does this; wfkit supports Node 20.
 */
export function groupBy<T, K>(items: Iterable<T>, keyOf: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [item]);
    else group.push(item);
  }
  return groups;
}
