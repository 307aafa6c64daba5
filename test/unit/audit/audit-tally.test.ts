// The in-memory audit of one task attempt (`this.audit` counts into an AuditTally until the
// attempt ends): counts, data range, run errors, statuses, sources and targets, bad arguments.
import { describe, expect, it } from "vitest";
import { AuditTally } from "../../../src/audit/audit-tally.js";
import { AuditRunError, AuditUsageError } from "../../../src/audit/errors.js";
import { MAX_LISTED_AUDIT_ERRORS, type Dataset } from "../../../src/events/audit-fields.js";

const tally = (datasetTypes: string[] = []) => new AuditTally("Load", datasetTypes);
/** What a call throws (it must throw). */
function thrown(call: () => unknown): Error {
  try {
    call();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the call to throw");
}

describe("AuditTally", () => {
  it("records nothing until used: data() is empty, used is false", () => {
    const t = tally();
    expect(t.used).toBe(false);
    expect(t.data(undefined)).toEqual({ records: {}, dataRange: null, errorCount: 0, errors: [], statuses: [], sources: [], targets: [], extracts: [] });
  });

  it("adds counts up by kind, and lists the kinds sorted whatever order they came in", () => {
    const t = tally();
    t.records("written", 5);
    t.records("read", 7);
    t.records("rejected", 0);
    t.records("read", 3);
    t.records("written", 1);
    expect(t.used).toBe(true);
    const { records } = t.data(undefined);
    expect(records).toEqual({ read: 10, rejected: 0, written: 6 });
    expect(Object.keys(records)).toEqual(["read", "rejected", "written"]);
  });

  it("widens the data range across calls: the lowest low and the highest high, from a Date, epoch ms or ISO text", () => {
    const t = tally();
    t.dataRange(new Date("2026-11-28T06:00:00Z"));
    expect(t.data(undefined).dataRange).toEqual({ low: "2026-11-28T06:00:00.000Z", high: "2026-11-28T06:00:00.000Z" });
    t.dataRange(Date.parse("2026-11-27T12:00:00Z"), "2026-11-28T00:00:00Z");
    t.dataRange("2026-11-29", new Date("2026-11-30T23:59:59.999Z"));
    // Inside the range: changes nothing.
    t.dataRange("2026-11-28T12:00:00Z", "2026-11-29T12:00:00Z");
    expect(t.data(undefined).dataRange).toEqual({ low: "2026-11-27T12:00:00.000Z", high: "2026-11-30T23:59:59.999Z" });
    expect(t.used).toBe(true);
  });

  describe("bad arguments throw AuditUsageError naming the task and what is wrong, and record nothing", () => {
    it("records(): an empty kind; a negative, fractional, NaN or infinite count", () => {
      const t = tally();
      const empty = thrown(() => t.records("", 1));
      expect(empty).toBeInstanceOf(AuditUsageError);
      expect(empty.message).toBe('task Load: this.audit.records(kind, count) needs a kind such as "read", "written" or "rejected", not ""');
      for (const count of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
        const error = thrown(() => t.records("read", count));
        expect(error, String(count)).toBeInstanceOf(AuditUsageError);
        expect(error.message).toBe(`task Load: this.audit.records("read", ${String(count)}): the count must be a whole number >= 0`);
      }
      t.records("read", 2);
      expect(() => t.records("read", -5)).toThrow(AuditUsageError);
      expect(t.data(undefined).records).toEqual({ read: 2 });
    });

    it("dataRange(): a text that is no date, an Invalid Date, NaN, and a low after its high", () => {
      const t = tally();
      const text = thrown(() => t.dataRange("yesterday"));
      expect(text).toBeInstanceOf(AuditUsageError);
      expect(text.message).toBe('task Load: this.audit.dataRange: low "yesterday" is not a date; give a Date, epoch milliseconds or an ISO 8601 text such as "2026-11-28"');
      expect(thrown(() => t.dataRange("2026-11-28", "2026-13-45")).message).toMatch(/^task Load: this\.audit\.dataRange: high "2026-13-45" is not a date/);
      expect(thrown(() => t.dataRange(new Date("nope"))).message).toMatch(/low "Invalid Date" is not a date/);
      expect(() => t.dataRange(Number.NaN)).toThrow(AuditUsageError);
      expect(() => t.dataRange(undefined as unknown as string)).toThrow(AuditUsageError);
      const backwards = thrown(() => t.dataRange("2026-11-30", "2026-11-28"));
      expect(backwards).toBeInstanceOf(AuditUsageError);
      expect(backwards.message).toBe("task Load: this.audit.dataRange(low, high): low 2026-11-30T00:00:00.000Z is after high 2026-11-28T00:00:00.000Z");
      expect(t.data(undefined).dataRange).toBeNull();
      expect(t.used).toBe(false);
    });

    it("error() without a type, status() without a name, a source that is no declaration", () => {
      const t = tally();
      expect(thrown(() => t.error("", "x")).message).toBe('task Load: this.audit.error(type, description) needs a type such as "Data Error"');
      expect(thrown(() => t.status("")).message).toBe("task Load: this.audit.status(status) needs a status name");
      const source = thrown(() => t.source({ name: "" }));
      expect(source).toBeInstanceOf(AuditUsageError);
      expect(source.message).toMatch(/^task Load: this\.audit\.source\(…\): .*; give a name, or \{ name, type\?, objects\?, datasetTypes\? \}$/);
      expect(thrown(() => t.target({ name: "db", table: "x" } as never)).message).toMatch(/^task Load: this\.audit\.target\(…\): /);
      expect(t.data(undefined)).toMatchObject({ errorCount: 0, errors: [], statuses: [], sources: [], targets: [] });
    });
  });

  it("counts every run error but lists only the first 100", () => {
    const t = tally();
    for (let i = 1; i <= 250; i++) t.error("Data Error", `row ${i}: no id`);
    const data = t.data(undefined);
    expect(MAX_LISTED_AUDIT_ERRORS).toBe(100);
    expect(data.errorCount).toBe(250);
    expect(data.errors).toHaveLength(100);
    expect(data.errors[0]).toMatchObject({ type: "Data Error", description: "row 1: no id", failRun: false });
    expect(data.errors[99]!.description).toBe("row 100: no id");
    expect(Date.parse(data.errors[0]!.at)).not.toBeNaN();
  });

  it("failRun: true records the error, then throws AuditRunError", () => {
    const t = tally();
    t.error("Data Error", "one bad row");
    const error = thrown(() => t.error("Source Missing", "no file for 2026-11-29", { failRun: true }));
    expect(error).toBeInstanceOf(AuditRunError);
    expect(error.message).toBe("task Load: run error Source Missing: no file for 2026-11-29");
    expect((error as AuditRunError).resolvableBy).toBe("user");
    const data = t.data(undefined);
    expect(data.errorCount).toBe(2);
    expect(data.errors.map((e) => [e.type, e.failRun])).toEqual([
      ["Data Error", false],
      ["Source Missing", true],
    ]);
  });

  it("keeps custom statuses in the order they were set, repeats too", () => {
    const t = tally();
    for (const status of ["validating", "waiting for data", "validating"]) t.status(status);
    expect(t.data(undefined).statuses.map((s) => s.status)).toEqual(["validating", "waiting for data", "validating"]);
  });

  it("merges sources and targets added at run time with the declared ones (declared first), giving them the workflow's dataset types", () => {
    const t = tally(["sales"]);
    t.source("landing");
    t.source({ name: "warehouse", objects: ["sales.orders"], datasetTypes: ["finance", "sales"] });
    t.source({ name: "landing", type: "csv", objects: ["b.csv"] });
    t.target({ name: "mart", type: "postgres" });
    const declared: { sources: Dataset[]; targets: Dataset[] } = {
      sources: [{ name: "warehouse", type: "postgres", objects: [{ name: "sales.customers", attributes: [] }], datasetTypes: ["sales"] }],
      targets: [],
    };
    const data = t.data(declared);
    expect(data.sources).toEqual([
      {
        name: "warehouse",
        type: "postgres",
        objects: [
          { name: "sales.customers", attributes: [] },
          { name: "sales.orders", attributes: [] },
        ],
        datasetTypes: ["sales", "finance"],
      },
      // The first type given is kept; a later one fills a null.
      { name: "landing", type: "csv", objects: [{ name: "b.csv", attributes: [] }], datasetTypes: ["sales"] },
    ]);
    expect(data.targets).toEqual([{ name: "mart", type: "postgres", objects: [], datasetTypes: ["sales"] }]);
    // The declared datasets are not changed by the merge.
    expect(declared.sources[0]!.objects).toHaveLength(1);
    // Declared ones alone, with nothing audited at run time.
    expect(tally().data(declared).sources).toEqual(declared.sources);
  });

  it("keeps attribute flags, each once and sorted; attributes given as names have none", () => {
    const t = tally();
    t.source({
      name: "landing",
      objects: [{ name: "orders.csv", attributes: ["note", { name: "id", flags: ["partition", "key", "key"] }, { name: "day", flags: ["filter"] }, { name: "amount" }] }],
    });
    expect(t.data(undefined).sources[0]!.objects[0]!.attributes).toEqual([
      { name: "note", flags: [] },
      { name: "id", flags: ["key", "partition"] },
      { name: "day", flags: ["filter"] },
      { name: "amount", flags: [] },
    ]);
    expect(() => t.source({ name: "landing", objects: [{ name: "x", attributes: [{ name: "id", flags: ["primary" as "key"] }] }] })).toThrow(AuditUsageError);
  });

  it("lists the extract changes noted for it", () => {
    const t = tally();
    t.extractChanges.push({ location: "/in", filename: "a.csv", from: "ready", to: "loading" });
    expect(t.data(undefined).extracts).toEqual([{ location: "/in", filename: "a.csv", from: "ready", to: "loading" }]);
  });
});
