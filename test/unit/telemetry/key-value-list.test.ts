import { describe, expect, it } from "vitest";
import { keyValueListProblem, parseKeyValueList } from "../../../src/telemetry/key-value-list.js";

describe("parseKeyValueList", () => {
  it("reads key=value pairs, trimmed and percent-decoded, skipping empty members", () => {
    expect(parseKeyValueList(" team = data ,, authorization=Bearer%20abc%2Cdef,empty=")).toEqual({ team: "data", authorization: "Bearer abc,def", empty: "" });
    expect(parseKeyValueList("")).toEqual({});
  });

  it("says which member is wrong", () => {
    expect(keyValueListProblem("a=1,oops")).toBe("member 2 is not key=value");
    expect(keyValueListProblem("=1")).toBe("member 1 is not key=value");
    expect(keyValueListProblem("a=%E0%A4%A")).toBe("the value of a is not valid percent-encoding");
    expect(keyValueListProblem("a=1")).toBeUndefined();
  });
});
