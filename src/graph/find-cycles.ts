import { topologicalOrder } from "./topological-order.js";
import type { GraphNode } from "./graph.js";

/**
 * Every distinct cycle that blocks a topological order, each as a list of node indexes in
 * upstream → downstream order, starting at its earliest-added node. A cycle `[a, b, c]` reads
 * `a -> b -> c -> a`.
 */
export function findCycles(nodes: readonly GraphNode[]): number[][] {
  const sorted = new Set(topologicalOrder(nodes));
  if (sorted.size === nodes.length) return [];
  // Every node left over has at least one left-over upstream, so walking upstream from any of
  // them must eventually revisit a node: that closes a cycle.
  const leftover = (i: number) => !sorted.has(i);
  const seen = new Set<number>();
  const cycles: number[][] = [];
  for (let start = 0; start < nodes.length; start++) {
    if (!leftover(start) || seen.has(start)) continue;
    const walk: number[] = [];
    const position = new Map<number, number>();
    let current = start;
    while (!seen.has(current) && !position.has(current)) {
      position.set(current, walk.length);
      walk.push(current);
      current = nodes[current]!.upstreams.find(leftover)!;
    }
    for (const i of walk) seen.add(i);
    if (!position.has(current)) continue; // ran into a cycle found before
    const cycle = walk.slice(position.get(current)).reverse();
    const first = cycle.indexOf(Math.min(...cycle));
    cycles.push([...cycle.slice(first), ...cycle.slice(0, first)]);
  }
  return cycles;
}
