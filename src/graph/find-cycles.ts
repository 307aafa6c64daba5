import { downstreamsOf, type GraphNode } from "./graph.js";
import { topologicalOrder } from "./topological-order.js";

/**
 * Every strongly connected part of the graph that blocks a topological order, each reported
 * once as one cycle: a list of node indexes in upstream → downstream order, starting at its
 * earliest-added node. A cycle `[a, b, c]` reads `a -> b -> c -> a`. Cycles are listed by
 * their first node. Nodes that are only downstream of a cycle are not reported.
 */
export function findCycles(nodes: readonly GraphNode[]): number[][] {
  const sorted = new Set(topologicalOrder(nodes));
  if (sorted.size === nodes.length) return [];
  const leftover = (i: number) => !sorted.has(i);
  const down = downstreamsOf(nodes);

  // Kosaraju, iteratively (no recursion, so big graphs cannot overflow the stack): finish
  // order along downstream edges, then components along upstream edges in reverse finish order.
  const finished: number[] = [];
  const visited = new Set<number>();
  for (let start = 0; start < nodes.length; start++) {
    if (!leftover(start) || visited.has(start)) continue;
    visited.add(start);
    const stack: [number, number][] = [[start, 0]];
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const next = down[top[0]]![top[1]++];
      if (next === undefined) {
        stack.pop();
        finished.push(top[0]);
      } else if (leftover(next) && !visited.has(next)) {
        visited.add(next);
        stack.push([next, 0]);
      }
    }
  }
  const component = new Map<number, number>();
  const cycles: number[][] = [];
  for (let f = finished.length - 1; f >= 0; f--) {
    const root = finished[f]!;
    if (component.has(root)) continue;
    const id = f;
    const members = [root];
    component.set(root, id);
    for (let m = 0; m < members.length; m++) {
      for (const u of nodes[members[m]!]!.upstreams) {
        if (leftover(u) && !component.has(u)) {
          component.set(u, id);
          members.push(u);
        }
      }
    }
    const inside = (i: number) => component.get(i) === id;
    const start = Math.min(...members);
    if (members.length === 1 && !nodes[start]!.upstreams.includes(start)) continue; // not on a cycle
    // Every member has an upstream inside the component, so walking upstream closes a cycle.
    const walk: number[] = [];
    const position = new Map<number, number>();
    let current = start;
    while (!position.has(current)) {
      position.set(current, walk.length);
      walk.push(current);
      current = nodes[current]!.upstreams.find(inside)!;
    }
    const cycle = walk.slice(position.get(current)).reverse();
    const first = cycle.indexOf(Math.min(...cycle));
    cycles.push([...cycle.slice(first), ...cycle.slice(0, first)]);
  }
  return cycles.sort((a, b) => a[0]! - b[0]!);
}
