/** A node of a task graph; `upstreams` are indexes into the same node list. */
export interface GraphNode {
  readonly name: string;
  readonly upstreams: readonly number[];
}

/** For each node, the indexes of the nodes that list it as an upstream, in insertion order. */
export function downstreamsOf(nodes: readonly GraphNode[]): number[][] {
  const down: number[][] = nodes.map(() => []);
  nodes.forEach((node, i) => {
    for (const u of node.upstreams) down[u]!.push(i);
  });
  return down;
}
