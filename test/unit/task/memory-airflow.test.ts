import { describe, expect, it } from "vitest";
import { AirflowStandInSchema, MemoryAirflowBackend } from "wfkit/engine";

describe("MemoryAirflowBackend", () => {
  const backend = () =>
    new MemoryAirflowBackend(AirflowStandInSchema.parse({ variables: { region: "eu" }, connections: { db: { type: "postgres", host: "h", password: "pw" } } }));

  it("serves its variables and connections (the id from the key); undefined for others, inherited names included", async () => {
    const b = backend();
    expect(await b.getVariable("region")).toBe("eu");
    expect(await b.getVariable("constructor")).toBeUndefined();
    expect(await b.getConnection("db")).toEqual({ id: "db", type: "postgres", host: "h", password: "pw" });
    expect(await b.getConnection("toString")).toBeUndefined();
  });

  it("keeps XComs per task and key as JSON: a pull gets a copy, a later push replaces", async () => {
    const b = backend();
    const value = { rows: [1, 2] };
    await b.setXCom({ task: "A", key: "k", value });
    value.rows.push(3);
    const pulled = await b.getXCom({ task: "A", key: "k" });
    expect(pulled).toEqual({ rows: [1, 2] });
    expect(await b.getXCom({ task: "B", key: "k" })).toBeUndefined();
    await b.setXCom({ task: "A", key: "k", value: "again" });
    expect(await b.getXCom({ task: "A", key: "k" })).toBe("again");
  });

  it("the stand-in's schema refuses unknown fields and connections without a type", () => {
    expect(AirflowStandInSchema.safeParse({ variables: {}, xcoms: {} }).success).toBe(false);
    expect(AirflowStandInSchema.safeParse({ connections: { db: { host: "h" } } }).success).toBe(false);
    expect(AirflowStandInSchema.safeParse({ variables: { n: 1 } }).success).toBe(false);
  });
});
