import TinyQueue from "tinyqueue";
import { downstreamsOf, type GraphNode } from "./graph.js";

/**
 * Kahn's algorithm; among nodes that are ready at the same time the one added first comes
 * first, so the order is deterministic. Returns node indexes; nodes on or behind a cycle are
 * missing from the result (compare lengths to detect one).
 */
export function topologicalOrder(nodes: readonly GraphNode[]): number[] {
  const down = downstreamsOf(nodes);
  const waiting = nodes.map((n) => n.upstreams.length);
  const ready = new TinyQueue<number>(
    nodes.flatMap((_, i) => (waiting[i] === 0 ? [i] : [])),
    (a, b) => a - b,
  );
  const order: number[] = [];
  while (ready.length > 0) {
    const i = ready.pop()!;
    order.push(i);
    for (const d of down[i]!) if (--waiting[d]! === 0) ready.push(d);
  }
  return order;
}
