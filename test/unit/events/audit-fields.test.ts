// Sources and targets: the recorded form of a declaration (datasetOf), merging (mergeDatasets)
// and the one-line texts export docs and notebooks show (datasetsText, lineageText).
import { describe, expect, it } from "vitest";
import { DatasetDeclarationSchema, DatasetSchema, datasetOf, datasetsText, lineageText, mergeDatasets, type Dataset } from "../../../src/events/audit-fields.js";

const parse = (value: unknown) => DatasetDeclarationSchema.parse(value);

describe("datasetOf", () => {
  it("makes a bare name a dataset with no type, objects or dataset types but the workflow's", () => {
    expect(datasetOf(parse("landing"))).toEqual({ name: "landing", type: null, objects: [], datasetTypes: [] });
    expect(datasetOf(parse("landing"), ["sales"])).toEqual({ name: "landing", type: null, objects: [], datasetTypes: ["sales"] });
  });

  it("fills objects given as names, attributes given as names, and joins dataset types (the workflow's first, each once)", () => {
    const dataset = datasetOf(
      parse({
        name: "postgres://db:5432",
        type: "postgres",
        objects: ["sales.orders", { name: "sales.customers", attributes: ["name", { name: "id", flags: ["partition", "key", "partition"] }, { name: "region" }] }],
        datasetTypes: ["reference", "sales"],
      }),
      ["sales", "finance"],
    );
    expect(dataset).toEqual({
      name: "postgres://db:5432",
      type: "postgres",
      objects: [
        { name: "sales.orders", attributes: [] },
        {
          name: "sales.customers",
          attributes: [
            { name: "name", flags: [] },
            { name: "id", flags: ["key", "partition"] },
            { name: "region", flags: [] },
          ],
        },
      ],
      datasetTypes: ["sales", "finance", "reference"],
    });
    expect(DatasetSchema.parse(dataset)).toEqual(dataset);
  });

  it("does not share the workflow's dataset types array", () => {
    const types = ["sales"];
    const dataset = datasetOf(parse("landing"), types);
    dataset.datasetTypes.push("x");
    expect(types).toEqual(["sales"]);
  });

  it("the declaration schema takes names and { name, type?, objects?, datasetTypes? } only", () => {
    for (const bad of ["", { name: "" }, { name: "a", table: "t" }, { name: "a", objects: [""] }, { name: "a", objects: [{ name: "o", attributes: [{ name: "c", flags: ["primary"] }] }] }, { name: "a", datasetTypes: [""] }, 7]) {
      expect(DatasetDeclarationSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});

describe("mergeDatasets", () => {
  const a: Dataset = { name: "landing", type: null, objects: [{ name: "a.csv", attributes: [{ name: "id", flags: ["key"] }] }], datasetTypes: ["sales"] };
  const b: Dataset = {
    name: "landing",
    type: "csv",
    objects: [
      { name: "a.csv", attributes: [{ name: "id", flags: [] }, { name: "day", flags: ["partition"] }] },
      { name: "b.csv", attributes: [] },
    ],
    datasetTypes: ["sales", "raw"],
  };
  const w: Dataset = { name: "warehouse", type: "postgres", objects: [], datasetTypes: [] };

  it("merges datasets of the same name across the lists: objects, attributes and dataset types joined, in first-seen order", () => {
    expect(mergeDatasets([[a, w], [b]])).toEqual([
      {
        name: "landing",
        type: "csv",
        objects: [
          { name: "a.csv", attributes: [{ name: "id", flags: ["key"] }, { name: "day", flags: ["partition"] }] },
          { name: "b.csv", attributes: [] },
        ],
        datasetTypes: ["sales", "raw"],
      },
      w,
    ]);
  });

  it("keeps the first type given", () => {
    const first = { ...w, type: "mysql" };
    expect(mergeDatasets([[first], [w]])[0]!.type).toBe("mysql");
    expect(mergeDatasets([[{ ...w, type: null }], [w]])[0]!.type).toBe("postgres");
  });

  it("leaves its inputs unchanged", () => {
    const before = structuredClone([a, b]);
    mergeDatasets([[a], [b]]);
    mergeDatasets([[a], [b]])[0]!.objects[0]!.attributes.push({ name: "z", flags: [] });
    expect([a, b]).toEqual(before);
  });

  it("of nothing is nothing", () => {
    expect(mergeDatasets([])).toEqual([]);
    expect(mergeDatasets([[], []])).toEqual([]);
  });
});

describe("datasetsText and lineageText", () => {
  const landing: Dataset = { name: "landing", type: "csv", objects: [{ name: "a.csv", attributes: [{ name: "id", flags: ["key"] }] }, { name: "b.csv", attributes: [] }], datasetTypes: ["sales"] };
  const warehouse: Dataset = { name: "warehouse", type: null, objects: [{ name: "sales.orders", attributes: [] }], datasetTypes: [] };
  const api: Dataset = { name: "api", type: null, objects: [], datasetTypes: [] };

  it("datasetsText: name (type): objects, joined by semicolons", () => {
    expect(datasetsText([landing, warehouse, api])).toBe("landing (csv): a.csv, b.csv; warehouse: sales.orders; api");
    expect(datasetsText([])).toBe("");
  });

  it("lineageText: what it reads from and writes to, or undefined when it declares neither", () => {
    expect(lineageText({ sources: [landing], targets: [warehouse] })).toBe("reads from landing (csv): a.csv, b.csv; writes to warehouse: sales.orders");
    expect(lineageText({ sources: [api] })).toBe("reads from api");
    expect(lineageText({ sources: [], targets: [warehouse, api] })).toBe("writes to warehouse: sales.orders; api");
    expect(lineageText({})).toBeUndefined();
    expect(lineageText({ sources: [], targets: [] })).toBeUndefined();
  });
});
