import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { EnvSchema } from "../../../src/config/env-schema.js";
import { renderConfigTable } from "../../../src/config/config-table.js";

/** Cells of a Markdown table row, splitting on unescaped pipes. */
function cells(row: string): string[] {
  return row
    .split(/(?<!\\)\|/)
    .slice(1, -1)
    .map((c) => c.trim());
}

describe("renderConfigTable", () => {
  const table = renderConfigTable();
  const lines = table.split("\n");
  const rows = lines.slice(2);

  it("has a header and a row per variable of EnvSchema, in order", () => {
    expect(lines[0]).toBe("| Variable | Type | Default | Description |");
    expect(lines[1]).toBe("| --- | --- | --- | --- |");
    expect(rows.map((r) => cells(r)[0])).toEqual(Object.keys(EnvSchema.shape).map((k) => `\`${k}\``));
  });

  it("gives every row four cells", () => {
    for (const row of rows) expect(cells(row), row).toHaveLength(4);
  });

  it("shows each variable's description and default", () => {
    for (const [key, field] of Object.entries(EnvSchema.shape)) {
      const row = rows.find((r) => cells(r)[0] === `\`${key}\``)!;
      expect(cells(row)[3]).toBe(field.description!.replace(/\|/g, "\\|"));
    }
    const byKey = Object.fromEntries(rows.map((r) => [cells(r)[0], cells(r)]));
    expect(byKey["`WF_HOME`"]![2]).toBe("`.wf`");
    expect(byKey["`WF_LOG_LEVEL`"]![2]).toBe("`info`");
    expect(byKey["`WF_LOG_FORMAT`"]![2]).toBe("`auto`");
    expect(byKey["`WF_CONCURRENCY`"]![2]).toBe("`16`");
    expect(byKey["`WF_RETRY_DELAY_SECONDS`"]![2]).toBe("(unset)");
  });

  it("shows types, enum values and minimums", () => {
    const byKey = Object.fromEntries(rows.map((r) => [cells(r)[0], cells(r)]));
    expect(byKey["`WF_HOME`"]![1]).toBe("string");
    expect(byKey["`WF_LOG_FORMAT`"]![1]).toBe("`auto` \\| `pretty` \\| `json` \\| `logfmt` \\| `ltsv`");
    expect(byKey["`WF_LOG_LEVEL`"]![1]).toContain("`debug`");
    expect(byKey["`WF_CONCURRENCY`"]![1]).toBe("integer ≥ 1");
    expect(byKey["`WF_RETRY_DELAY_SECONDS`"]![1]).toBe("number ≥ 0");
  });
});

describe("renderConfigTable with a made-up schema", () => {
  afterEach(() => {
    vi.doUnmock("../../../src/config/env-schema.js");
    vi.resetModules();
  });

  it("escapes pipes in descriptions and shows a variable without default as unset", async () => {
    vi.resetModules();
    vi.doMock("../../../src/config/env-schema.js", () => ({
      EnvSchema: z.object({
        WF_A: z.string().default("x").describe("one | two"),
        WF_B: z.coerce.number().min(2).optional().describe("b"),
      }),
    }));
    const { renderConfigTable: render } = await import("../../../src/config/config-table.js");
    const rows = render().split("\n").slice(2);
    expect(rows).toEqual(["| `WF_A` | string | `x` | one \\| two |", "| `WF_B` | number ≥ 2 | (unset) | b |"]);
    for (const row of rows) expect(cells(row)).toHaveLength(4);
  });
});
