import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileGlob, matchesGlobs } from "../../../build-utils/discover/glob-pattern.js";

const matches = (pattern: string, file: string) => compileGlob(pattern).test(file);

describe("compileGlob", () => {
  it("matches * and ? within a segment, ** across segments", () => {
    expect(matches("flows/*.ts", "flows/a.ts")).toBe(true);
    expect(matches("flows/*.ts", "flows/nested/a.ts")).toBe(false);
    expect(matches("flows/**/*.ts", "flows/a.ts")).toBe(true);
    expect(matches("flows/**/*.ts", "flows/x/y/a.ts")).toBe(true);
    expect(matches("flows/**", "flows/x/y/a.ts")).toBe(true);
    expect(matches("**/*.ts", "a.ts")).toBe(true);
    expect(matches("flow?.ts", "flowA.ts")).toBe(true);
    expect(matches("flow?.ts", "flow/.ts")).toBe(false);
    expect(matches("./flows/*.ts", "flows/a.ts")).toBe(true);
  });

  it("knows {a,b} alternatives and [..] classes, and takes other characters literally", () => {
    expect(matches("src/*.{ts,mts}", "src/a.mts")).toBe(true);
    expect(matches("src/*.{ts,mts}", "src/a.js")).toBe(false);
    expect(matches("src/[ab].ts", "src/b.ts")).toBe(true);
    expect(matches("src/[!ab].ts", "src/b.ts")).toBe(false);
    expect(matches("src/[!ab].ts", "src/c.ts")).toBe(true);
    expect(matches("src/[^ab].ts", "src/c.ts")).toBe(true);
    expect(matches("src/a[!b]c.ts", "src/a/c.ts")).toBe(false);
    expect(matches("src/a+b(1).ts", "src/a+b(1).ts")).toBe(true);
    expect(matches("src/a.ts", "src/aXts")).toBe(false);
    expect(matches("src/+(a).ts", "src/+(a).ts")).toBe(true);
    expect(matches("src/+(a).ts", "src/a.ts")).toBe(false);
    expect(matches("src/a(1.ts", "src/a(1.ts")).toBe(true);
    expect(matches("src/a}.ts", "src/a}.ts")).toBe(true);
  });

  it("is case-sensitive, takes / as the only separator, and lets \\ escape a wildcard", () => {
    expect(matches("src/*.ts", "SRC/a.ts")).toBe(false);
    expect(matches("src/*.ts", "src\\a.ts")).toBe(false);
    expect(matches("src/a\\*.ts", "src/a*.ts")).toBe(true);
    expect(matches("src/a\\*.ts", "src/ab.ts")).toBe(false);
    expect(matches("src/\\{a\\}.ts", "src/{a}.ts")).toBe(true);
    expect(matches("flows//**/", "flows/x/a.ts")).toBe(true);
  });

  it("does not let wildcards match a leading dot unless the pattern spells it", () => {
    expect(matches("*.ts", ".hidden.ts")).toBe(false);
    expect(matches("**/*.ts", ".cache/a.ts")).toBe(false);
    expect(matches(".cache/*.ts", ".cache/a.ts")).toBe(true);
  });

  it("excludes what a !pattern matches", () => {
    const patterns = ["flows/**/*.ts", "!flows/**/*.draft.ts"].map(compileGlob);
    expect(matchesGlobs(patterns, "flows/a.ts")).toBe(true);
    expect(matchesGlobs(patterns, "flows/x/c.draft.ts")).toBe(false);
    expect(matchesGlobs(patterns, "lib/a.ts")).toBe(false);
  });

  it("refuses patterns that leave the package or are unbalanced", () => {
    expect(() => compileGlob("../other/*.ts")).toThrow(/must not leave the package root/);
    expect(() => compileGlob("/abs/*.ts")).toThrow(/relative to the package root/);
    expect(() => compileGlob("")).toThrow(/non-empty/);
    expect(() => compileGlob("src/{a,b.ts")).toThrow(/unclosed "\{"/);
    expect(() => compileGlob("src/[ab.ts")).toThrow(/unclosed "\["/);
    expect(() => compileGlob("src/{a,b.ts")).toThrow(/^"src\/\{a,b\.ts" has an unclosed "\{"; close it with "\}"/);
    expect(() => compileGlob("src/a]b.ts")).toThrow(/"src\/a\]b\.ts" has a "\]" without an opening "\["; write "\\\]"/);
    expect(() => compileGlob("!src/../x.ts")).toThrow(/must not leave the package root/);
  });

  it("matches a literal path exactly, and nothing else", () => {
    const segment = fc.stringMatching(/^[a-zA-Z0-9_+()$^.-]{1,8}$/).filter((s) => !s.startsWith(".") && s !== "..");
    const file = fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => parts.join("/"));
    fc.assert(
      fc.property(file, file, (a, b) => {
        expect(matches(a, a)).toBe(true);
        expect(matches(a, b)).toBe(a === b);
      }),
    );
  });
});
