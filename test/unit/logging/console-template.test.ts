import { describe, expect, it } from "vitest";
import { DEFAULT_CONSOLE_TEMPLATE, parseConsoleTemplate } from "../../../src/logging/console-template.js";

describe("parseConsoleTemplate", () => {
  it("splits literal text and placeholders with widths, pairs and escaped braces", () => {
    expect(parseConsoleTemplate("{{x}} {timestamp} [{level:5}] {run_id=}{fields}{*}").parts).toEqual([
      { text: "{x} " },
      { field: "timestamp", width: 0, pair: false },
      { text: " [" },
      { field: "level", width: 5, pair: false },
      { text: "] " },
      { field: "run_id", width: 0, pair: true },
      { field: "fields", width: 0, pair: false },
      { field: "*", width: 0, pair: false },
    ]);
    expect(parseConsoleTemplate(DEFAULT_CONSOLE_TEMPLATE).problems).toEqual([]);
  });

  it("reports every malformed placeholder", () => {
    const { problems } = parseConsoleTemplate("{ok} {bad name} {level:x} {open } x}");
    expect(problems).toHaveLength(4);
    expect(problems[0]).toContain('"{bad name}" is not a placeholder');
    expect(problems.at(-1)).toContain('a lone "}"');
    expect(parseConsoleTemplate("{never closed").problems[0]).toContain("is not closed");
  });
});
