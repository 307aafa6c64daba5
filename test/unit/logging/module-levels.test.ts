import { describe, expect, it } from "vitest";
import { levelIdFor, parseModuleLevels } from "../../../src/logging/module-levels.js";

describe("parseModuleLevels", () => {
  it("reads name=level rules separated by ; or , with spaces and any case", () => {
    expect(parseModuleLevels(" wfkit.engine.local=DEBUG ; wfkit.events=error,my.task=warn;").rules).toEqual([
      { logger: "wfkit.engine.local", level: "debug" },
      { logger: "wfkit.events", level: "error" },
      { logger: "my.task", level: "warn" },
    ]);
  });

  it("lists each bad rule", () => {
    const { rules, problems } = parseModuleLevels("a=loud;b;=info;c..d=info;ok=info");
    expect(rules).toEqual([{ logger: "ok", level: "info" }]);
    expect(problems).toEqual([
      '"a=loud": level must be one of silly, trace, debug, info, warn, error, fatal',
      '"b" is not logger=level (e.g. wfkit.engine.local=debug)',
      '"=info" is not logger=level (e.g. wfkit.engine.local=debug)',
      '"c..d=info" is not logger=level (e.g. wfkit.engine.local=debug)',
    ]);
  });
});

describe("levelIdFor", () => {
  const { rules } = parseModuleLevels("wfkit=warn;wfkit.engine=debug;wfkit.engine.local=error");
  it("takes the longest rule that is the name or a dotted prefix of it", () => {
    expect(levelIdFor("wfkit.engine.local", rules, 3)).toBe(5);
    expect(levelIdFor("wfkit.engine.local.x", rules, 3)).toBe(5);
    expect(levelIdFor("wfkit.engine.airflow", rules, 3)).toBe(2);
    expect(levelIdFor("wfkit.events", rules, 3)).toBe(4);
    expect(levelIdFor("wfkitx", rules, 3)).toBe(3);
    expect(levelIdFor("Extract", rules, 3)).toBe(3);
  });
});
