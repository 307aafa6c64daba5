import { describe, expect, it } from "vitest";
import { MAX_NAME_LENGTH, NAME_PATTERN, badNameCharacters, dagId, workflowName } from "../../../src/workflow/naming.js";

describe("workflowName", () => {
  it("is `${inputData}_to_${outputData}_${category}`", () => {
    expect(workflowName({ inputData: "csv", outputData: "db", category: "etl" })).toBe("csv_to_db_etl");
  });

  it("appends `_${detail}` when given", () => {
    expect(workflowName({ inputData: "l0", outputData: "l1", category: "calibration", detail: "vbi" })).toBe(
      "l0_to_l1_calibration_vbi",
    );
  });

  it("starts at the category without input and output data", () => {
    expect(workflowName({ category: "etl" })).toBe("etl");
    expect(workflowName({ category: "etl", detail: "nightly" })).toBe("etl_nightly");
  });

  it("uses whichever of input and output data is given", () => {
    expect(workflowName({ inputData: "csv", category: "etl" })).toBe("csv_etl");
    expect(workflowName({ outputData: "db", category: "etl" })).toBe("to_db_etl");
    expect(workflowName({ outputData: "db", category: "etl", detail: "x" })).toBe("to_db_etl_x");
  });

  it("ignores empty and undefined parts", () => {
    expect(workflowName({ category: "etl", detail: "", inputData: undefined, outputData: "" })).toBe("etl");
  });
});

describe("dagId", () => {
  it("is `${name}_${version}`", () => {
    expect(dagId("csv_to_db_etl", "1.2.0")).toBe("csv_to_db_etl_1.2.0");
    expect(dagId("etl", "dev")).toBe("etl_dev");
  });
});

describe("NAME_PATTERN and MAX_NAME_LENGTH", () => {
  it("allows ASCII letters, digits, '-', '.', '_' only", () => {
    for (const ok of ["abc", "ABC_123", "a-b.c_d", "1.0.0", "_", "-"]) expect(NAME_PATTERN.test(ok), ok).toBe(true);
    for (const bad of ["", "a b", "a/b", "a$b", "é", "a+b", "a:b", "tab\t", "new\nline", "日本"]) {
      expect(NAME_PATTERN.test(bad), bad).toBe(false);
    }
  });

  it("caps names at 100 characters", () => {
    expect(MAX_NAME_LENGTH).toBe(100);
  });
});

describe("badNameCharacters", () => {
  it("lists each bad character once, quoted, and names the space", () => {
    expect(badNameCharacters("ok_name-1.0")).toEqual([]);
    expect(badNameCharacters("a b/c d/")).toEqual(["' ' (space)", '"/"']);
    expect(badNameCharacters('x"y')).toEqual(['"\\""']);
    expect(badNameCharacters("naïve")).toEqual(['"ï"']);
  });
});
