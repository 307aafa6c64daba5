import { describe, expect, it } from "vitest";
import { findCycles } from "../../../src/graph/find-cycles.js";
import type { GraphNode } from "../../../src/graph/graph.js";

/** Nodes named A, B, C… in order, each with the given upstream indexes. */
function graph(...upstreams: number[][]): GraphNode[] {
  return upstreams.map((ups, i) => ({ name: String.fromCharCode(65 + i), upstreams: ups }));
}

/** Cycles as `A -> B -> A` text. */
function named(nodes: GraphNode[]): string[] {
  return findCycles(nodes).map((cycle) => [...cycle, cycle[0]!].map((i) => nodes[i]!.name).join(" -> "));
}

describe("findCycles", () => {
  it("finds nothing in an acyclic graph", () => {
    expect(findCycles([])).toEqual([]);
    expect(findCycles(graph([], [0], [0], [1, 2]))).toEqual([]);
  });

  it("finds a self-loop", () => {
    expect(findCycles(graph([0]))).toEqual([[0]]);
    expect(named(graph([], [1]))).toEqual(["B -> B"]);
  });

  it("finds a 2-cycle", () => {
    expect(named(graph([1], [0]))).toEqual(["A -> B -> A"]);
  });

  it("finds a 3-cycle in upstream -> downstream order", () => {
    // B needs A, C needs B, A needs C
    expect(named(graph([2], [0], [1]))).toEqual(["A -> B -> C -> A"]);
    // the other direction: A needs B, B needs C, C needs A
    expect(named(graph([1], [2], [0]))).toEqual(["A -> C -> B -> A"]);
  });

  it("starts the path at the earliest-added node of the cycle", () => {
    // A is outside; B needs C, C needs D, D needs B: the cycle reads from B, the earliest added
    expect(findCycles(graph([], [2], [3], [1]))).toEqual([[1, 3, 2]]);
    expect(named(graph([], [2], [3], [1]))).toEqual(["B -> D -> C -> B"]);
    // the walk upstream from the last-added node must still report from the first
    expect(named(graph([3], [0], [1], [2]))).toEqual(["A -> B -> C -> D -> A"]);
  });

  it("reports two separate cycles separately, ordered by their first node", () => {
    // A <-> B, and C -> D -> E -> C, plus a clean F
    const nodes = graph([1], [0], [4], [2], [3], []);
    expect(named(nodes)).toEqual(["A -> B -> A", "C -> D -> E -> C"]);
  });

  it("does not report nodes downstream of a cycle", () => {
    // A <-> B; C needs B; D needs C
    expect(named(graph([1], [0], [1], [2]))).toEqual(["A -> B -> A"]);
    // a downstream node added before the cycle
    expect(named(graph([2], [2], [1]))).toEqual(["B -> C -> B"]);
  });

  it("reports a cycle that is downstream of another cycle", () => {
    // A <-> B; C needs A and D; D needs C: the C <-> D cycle must not hide behind A <-> B
    expect(named(graph([1], [0], [0, 3], [2]))).toEqual(["A -> B -> A", "C -> D -> C"]);
  });

  it("reports each cycle once when cycles share nodes", () => {
    // A <-> B and B <-> C: one tangle
    const cycles = findCycles(graph([1], [0, 2], [1]));
    expect(cycles).toHaveLength(1);
    expect(cycles[0]![0]).toBe(0);
  });

  it("returns only real cycles: each node's predecessor in the path is one of its upstreams", () => {
    const nodes = graph([5], [0], [1, 6], [2], [3], [4], [2], [7]);
    const cycles = findCycles(nodes);
    expect(cycles.length).toBeGreaterThan(0);
    for (const cycle of cycles) {
      cycle.forEach((node, k) => {
        const before = cycle[(k + cycle.length - 1) % cycle.length]!;
        expect(nodes[node]!.upstreams).toContain(before);
      });
      expect(cycle[0]).toBe(Math.min(...cycle));
      expect(new Set(cycle).size).toBe(cycle.length);
    }
  });

  it("handles a cycle of 10,000 nodes without overflowing the stack", () => {
    const n = 10_000;
    const nodes = Array.from({ length: n }, (_, i) => ({ name: `n${i}`, upstreams: [(i + n - 1) % n] }));
    const cycles = findCycles(nodes);
    expect(cycles).toHaveLength(1);
    expect(cycles[0]).toEqual(nodes.map((_, i) => i));
  });

  it("handles 10,000 nodes downstream of a small cycle", () => {
    const n = 10_000;
    const nodes: GraphNode[] = [
      { name: "A", upstreams: [1] },
      { name: "B", upstreams: [0] },
    ];
    for (let i = 2; i < n; i++) nodes.push({ name: `n${i}`, upstreams: [i - 1] });
    expect(findCycles(nodes)).toEqual([[0, 1]]);
  });
});
