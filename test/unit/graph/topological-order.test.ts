import { describe, expect, it } from "vitest";
import type { GraphNode } from "../../../src/graph/graph.js";
import { topologicalOrder } from "../../../src/graph/topological-order.js";

/** Nodes named by letter (or `n${i}`), each with the given upstream indexes. */
function graph(...upstreams: number[][]): GraphNode[] {
  return upstreams.map((ups, i) => ({ name: `n${i}`, upstreams: ups }));
}

describe("topologicalOrder", () => {
  it("returns nothing for an empty graph", () => {
    expect(topologicalOrder([])).toEqual([]);
  });

  it("orders a diamond, ties broken by insertion order", () => {
    // 0 -> 1, 0 -> 2, {1, 2} -> 3
    expect(topologicalOrder(graph([], [0], [0], [2, 1]))).toEqual([0, 1, 2, 3]);
    // the same diamond with the middle tasks added the other way round
    expect(topologicalOrder(graph([], [0], [0], [1, 2]))).toEqual([0, 1, 2, 3]);
  });

  it("puts each node after all of its upstreams", () => {
    // 3 is added first but depends on everything else
    const nodes = graph([1, 2, 4], [4], [], [], []);
    const order = topologicalOrder(nodes);
    expect(order).toHaveLength(5);
    const position = new Map(order.map((n, i) => [n, i]));
    nodes.forEach((node, i) => {
      for (const u of node.upstreams) expect(position.get(u)!).toBeLessThan(position.get(i)!);
    });
    expect(order).toEqual([2, 3, 4, 1, 0]);
  });

  it("breaks ties by insertion order, not by name", () => {
    const nodes: GraphNode[] = [
      { name: "Zeta", upstreams: [] },
      { name: "Alpha", upstreams: [] },
      { name: "Mike", upstreams: [1] },
      { name: "Beta", upstreams: [0] },
    ];
    expect(topologicalOrder(nodes).map((i) => nodes[i]!.name)).toEqual(["Zeta", "Alpha", "Mike", "Beta"]);
  });

  it("is deterministic", () => {
    const nodes = graph([], [], [0, 1], [0], [3, 2], [1]);
    const first = topologicalOrder(nodes);
    for (let i = 0; i < 5; i++) expect(topologicalOrder(nodes)).toEqual(first);
    expect(first).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it("prefers the earliest-added ready node even when it became ready later", () => {
    // 2 is ready at once; 0 only after 1. Once 1 is done, 0 (added first) beats 2.
    expect(topologicalOrder(graph([1], [], []))).toEqual([1, 0, 2]);
  });

  it("counts a repeated upstream edge once per listing", () => {
    expect(topologicalOrder(graph([], [0, 0]))).toEqual([0, 1]);
  });

  it("leaves out nodes on or behind a cycle", () => {
    // 0 <-> 1 is a cycle, 2 is downstream of it, 3 is independent
    expect(topologicalOrder(graph([1], [0], [1], []))).toEqual([3]);
    expect(topologicalOrder(graph([0]))).toEqual([]);
  });

  it("handles a chain of 10,000 nodes", () => {
    const n = 10_000;
    const nodes = Array.from({ length: n }, (_, i) => ({ name: `n${i}`, upstreams: i === 0 ? [] : [i - 1] }));
    const order = topologicalOrder(nodes);
    expect(order).toHaveLength(n);
    expect(order).toEqual(nodes.map((_, i) => i));
  });

  it("handles a chain of 10,000 nodes added in reverse", () => {
    const n = 10_000;
    // node i depends on node i + 1; the last one is the root
    const nodes = Array.from({ length: n }, (_, i) => ({ name: `n${i}`, upstreams: i === n - 1 ? [] : [i + 1] }));
    const order = topologicalOrder(nodes);
    expect(order[0]).toBe(n - 1);
    expect(order[n - 1]).toBe(0);
  });

  it("handles a fan-out and fan-in of 10,000 nodes", () => {
    const n = 10_000;
    const nodes: GraphNode[] = [{ name: "root", upstreams: [] }];
    for (let i = 1; i <= n; i++) nodes.push({ name: `n${i}`, upstreams: [0] });
    nodes.push({ name: "sink", upstreams: Array.from({ length: n }, (_, i) => n - i) });
    const order = topologicalOrder(nodes);
    expect(order).toEqual(nodes.map((_, i) => i));
  });
});
