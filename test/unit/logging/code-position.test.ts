// Code positions: the user's frame of a stack, mapped through the source map a compiled file
// declares. The stacks here are written by hand (over real files on disk), so that what is tested
// is the parsing and the mapping, not whichever stack formatter the test runner installs.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import ts from "typescript";
import { afterAll, describe, expect, it } from "vitest";
import { callerPosition, thrownAt } from "../../../src/logging/code-position.js";

const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));
const wfkitFrame = `    at CoreLogger.write (${path.join(repoRoot, "src/logging/logger.ts")}:120:5)`;
const nodeFrame = "    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)";

const source = [
  "// Types vanish from the compiled file, so its lines are not the source's.",
  "interface Greeting {",
  "  n: number;",
  "}",
  "export class Hello {",
  "  run(): Error {",
  '    const n: Greeting["n"] = 2;',
  '    return new Error("hello " + n);',
  "  }",
  "}",
].join("\n");
const sourceLine = source.split("\n").findIndex((l) => l.includes("new Error")) + 1;

function compile(options: ts.CompilerOptions) {
  const out = ts.transpileModule(source, {
    fileName: "hello.ts",
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, removeComments: true, ...options },
  });
  const lines = out.outputText.split("\n");
  const line = lines.findIndex((l) => l.includes("new Error")) + 1;
  const column = lines[line - 1]!.indexOf("new Error") + 1;
  return { out, line, column };
}

/** A package with src/hello.ts and its compiled out/hello.js (+ map as asked); paths of both. */
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function compiledPackage(how: "external" | "inline" | "sourceRoot" | "none" | "bad-map") {
  const dir = mkdtempSync(path.join(tmpdir(), "wfkit-code-position-"));
  dirs.push(dir);
  mkdirSync(path.join(dir, "src"));
  mkdirSync(path.join(dir, "out"));
  const tsFile = path.join(dir, "src", "hello.ts");
  const js = path.join(dir, "out", "hello.js");
  writeFileSync(tsFile, source);
  const { out, line, column } = compile(how === "inline" ? { inlineSourceMap: true } : { sourceMap: how !== "none" });
  if (how === "inline") {
    // Inline maps name their sources relative to the compiled file.
    const text = out.outputText.replace(/base64,(\S+)/, (_, b64: string) => {
      const map = JSON.parse(Buffer.from(b64, "base64").toString("utf8")) as { sources: string[] };
      map.sources = ["../src/hello.ts"];
      return `base64,${Buffer.from(JSON.stringify(map)).toString("base64")}`;
    });
    writeFileSync(js, text);
  } else {
    writeFileSync(js, out.outputText);
  }
  if (how === "external" || how === "sourceRoot") {
    const map = JSON.parse(out.sourceMapText!) as { sources: string[]; sourceRoot?: string };
    if (how === "sourceRoot") {
      map.sourceRoot = "../src";
      map.sources = ["hello.ts"];
    } else {
      map.sources = ["../src/hello.ts"];
    }
    writeFileSync(`${js}.map`, JSON.stringify(map));
  }
  if (how === "bad-map") {
    writeFileSync(js, `${out.outputText}\n//# sourceMappingURL=hello.js.map\n`);
    writeFileSync(`${js}.map`, "{ not json");
  }
  return { ts: tsFile, js, line, column };
}

function errorWithStack(...frames: string[]): Error {
  const error = new Error("hello 2");
  error.stack = ["Error: hello 2", ...frames].join("\n");
  return error;
}

describe("thrownAt", () => {
  it("maps a compiled file's frame through the source map it declares (a .map file next to it)", () => {
    const p = compiledPackage("external");
    const error = errorWithStack(`    at Hello.run (${pathToFileURL(p.js).href}:${p.line}:${p.column})`, wfkitFrame, nodeFrame);
    expect(p.line).not.toBe(sourceLine);
    expect(thrownAt(error)).toEqual({ file: p.ts, line: sourceLine, function: "Hello.run" });
  });

  it("maps in production too (NODE_ENV does not matter)", () => {
    const p = compiledPackage("external");
    const saved = process.env["NODE_ENV"];
    process.env["NODE_ENV"] = "production";
    try {
      expect(thrownAt(errorWithStack(`    at Hello.run (${p.js}:${p.line}:${p.column})`))).toEqual({ file: p.ts, line: sourceLine, function: "Hello.run" });
    } finally {
      if (saved === undefined) delete process.env["NODE_ENV"];
      else process.env["NODE_ENV"] = saved;
    }
  });

  it("reads inline (data: URL) maps and applies sourceRoot", () => {
    for (const how of ["inline", "sourceRoot"] as const) {
      const p = compiledPackage(how);
      const error = errorWithStack(`    at Hello.run (${p.js}:${p.line}:${p.column})`);
      expect(thrownAt(error), how).toEqual({ file: p.ts, line: sourceLine, function: "Hello.run" });
    }
  });

  it("keeps the position of a file with no source map, or a broken one; a position already mapped is not mapped again", () => {
    for (const how of ["none", "bad-map"] as const) {
      const p = compiledPackage(how);
      const error = errorWithStack(`    at Hello.run (${p.js}:${p.line}:${p.column})`);
      expect(thrownAt(error), how).toEqual({ file: p.js, line: p.line, function: "Hello.run" });
    }
    // What Node shows once it has mapped a frame (tsx, --enable-source-maps): the .ts file itself.
    const p = compiledPackage("external");
    expect(thrownAt(errorWithStack(`    at Hello.run (${pathToFileURL(p.ts).href}:${sourceLine}:12)`))).toEqual({ file: p.ts, line: sourceLine, function: "Hello.run" });
  });

  it("skips wfkit's and Node's frames, anonymous and eval frames; strips `async`", () => {
    const p = compiledPackage("none");
    const error = errorWithStack(
      wfkitFrame,
      nodeFrame,
      "    at Array.map (<anonymous>)",
      "    at eval (eval at run (/somewhere/x.js:1:1), <anonymous>:1:1)",
      `    at async ${pathToFileURL(p.js).href}:${p.line}:${p.column}`,
    );
    expect(thrownAt(error)).toEqual({ file: p.js, line: p.line, function: undefined });
    expect(thrownAt(errorWithStack(`    at async Hello.run (${p.js}:${p.line}:${p.column})`))?.function).toBe("Hello.run");
  });

  it("prefers a frame outside node_modules, in the error or its causes; else the first in node_modules", () => {
    const p = compiledPackage("none");
    const dependency = "    at connect (/app/node_modules/driver/index.js:10:3)";
    const wrapped = new Error("wrapped", { cause: errorWithStack(dependency, `    at Load.run (${p.js}:4:9)`) });
    wrapped.stack = ["Error: wrapped", dependency].join("\n");
    expect(thrownAt(wrapped)).toEqual({ file: p.js, line: 4, function: "Load.run" });
    const onlyDependency = errorWithStack(dependency);
    expect(thrownAt(onlyDependency)).toEqual({ file: "/app/node_modules/driver/index.js", line: 10, function: "connect" });
  });

  it("is undefined for what is not an Error or has no usable stack, and never throws", () => {
    expect(thrownAt("boom")).toBeUndefined();
    expect(thrownAt(errorWithStack(wfkitFrame, nodeFrame))).toBeUndefined();
    const hostile = new Error("x");
    Object.defineProperty(hostile, "stack", {
      get() {
        throw new Error("no");
      },
    });
    expect(thrownAt(hostile)).toBeUndefined();
  });
});

describe("callerPosition", () => {
  it("is this test's own line", () => {
    const position = callerPosition(); const expected = Number(new Error().stack!.split("\n")[1]!.match(/:(\d+):\d+\)?$/)![1]);
    expect(position).toMatchObject({ file: "test/unit/logging/code-position.test.ts", line: expected });
  });
});
