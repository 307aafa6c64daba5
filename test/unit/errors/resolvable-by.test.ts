import { describe, expect, it } from "vitest";
import type { ResolvableBy } from "wfkit";
import { RESOLVABLE_BY_DESCRIPTIONS, ResolvableBySchema } from "../../../src/errors/resolvable-by.js";

describe("ResolvableBySchema", () => {
  it("has exactly the four classifications", () => {
    expect(ResolvableBySchema.options).toEqual(["user", "config", "platform", "external"]);
    expect(ResolvableBySchema.safeParse("platform").success).toBe(true);
    expect(ResolvableBySchema.safeParse("wfkit").success).toBe(false);
    expect(ResolvableBySchema.safeParse(undefined).success).toBe(false);
  });
});

describe("RESOLVABLE_BY_DESCRIPTIONS", () => {
  it("describes every classification and nothing else", () => {
    expect(Object.keys(RESOLVABLE_BY_DESCRIPTIONS).sort()).toEqual([...ResolvableBySchema.options].sort());
  });

  it.each(ResolvableBySchema.options)("says what %s covers and what to do, as one line of plain text", (value: ResolvableBy) => {
    const text = RESOLVABLE_BY_DESCRIPTIONS[value];
    // What it covers, then a colon and what to do.
    expect(text).toMatch(/^[a-z].+: [a-z].+[a-z)]$/);
    expect(text).not.toContain("\n");
    expect(text).not.toMatch(/WHAT HAPPENED|TODO|an error occurred/i);
    expect(text.length).toBeLessThan(160);
  });

  it("points each classification at the right people", () => {
    expect(RESOLVABLE_BY_DESCRIPTIONS.user).toMatch(/workflow's code.*params/);
    expect(RESOLVABLE_BY_DESCRIPTIONS.config).toMatch(/WF_\*/);
    expect(RESOLVABLE_BY_DESCRIPTIONS.platform).toMatch(/whoever runs the platform/);
    expect(RESOLVABLE_BY_DESCRIPTIONS.external).toMatch(/retry/);
  });

  it("cannot be changed at run time", () => {
    expect(Object.isFrozen(RESOLVABLE_BY_DESCRIPTIONS)).toBe(true);
  });
});
