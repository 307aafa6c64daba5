import { existsSync, mkdirSync, mkdtempSync, promises, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { OutputPathError, OutputWriteError, writeFilesAtomically, type OutputFile } from "../../../build-utils/export/index.js";

const temporary: string[] = [];
afterAll(() => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  vi.restoreAllMocks();
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "wfkit-export-"));
  temporary.push(dir);
  return dir;
}

/** Every file under `dir` with its text, as sorted relative paths. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    out[path.relative(dir, full).split(path.sep).join("/")] = readFileSync(full, "utf8");
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}

const files: OutputFile[] = [
  { path: "etl_1.0.0.py", content: "# etl\n" },
  { path: "nested/deep/report_1.0.0.py", content: new TextEncoder().encode("# report\n") },
];

describe("writeFilesAtomically", () => {
  it("creates a missing output directory with every file, and returns their absolute paths", async () => {
    const parent = tempDir();
    const outDir = path.join(parent, "a", "dags");
    const written = await writeFilesAtomically(outDir, files);
    expect(written).toEqual([path.join(outDir, "etl_1.0.0.py"), path.join(outDir, "nested", "deep", "report_1.0.0.py")]);
    expect(tree(outDir)).toEqual({ "etl_1.0.0.py": "# etl\n", "nested/deep/report_1.0.0.py": "# report\n" });
    expect(readdirSync(path.join(parent, "a"))).toEqual(["dags"]);
    // The directory gets the usual permissions, not a temp dir's 0700.
    expect(statSync(outDir).mode & 0o777).toBe(statSync(path.join(parent, "a")).mode & 0o777);
  });

  it("replaces files in an existing output directory and leaves the others alone", async () => {
    const outDir = tempDir();
    writeFileSync(path.join(outDir, "etl_1.0.0.py"), "# old\n");
    writeFileSync(path.join(outDir, "other.py"), "# someone else's\n");
    await writeFilesAtomically(outDir, files);
    expect(tree(outDir)).toEqual({ "etl_1.0.0.py": "# etl\n", "nested/deep/report_1.0.0.py": "# report\n", "other.py": "# someone else's\n" });
    expect(readdirSync(path.dirname(outDir)).filter((n) => n.includes(path.basename(outDir)) && n.includes("staging"))).toEqual([]);
  });

  it("refuses paths that escape the output directory, repeat, or clash, before writing anything", async () => {
    const outDir = path.join(tempDir(), "out");
    const refused: [OutputFile[], RegExp][] = [
      [[{ path: "../escape.py", content: "" }], /leaves the output directory/],
      [[{ path: "a/../../escape.py", content: "" }], /leaves the output directory/],
      [[{ path: "/etc/passwd", content: "" }], /is absolute/],
      [[{ path: "C:/x.py", content: "" }], /is absolute/],
      [[{ path: "a\\b.py", content: "" }], /holds "\\"/],
      [[{ path: "a//b.py", content: "" }], /empty or "\." segment/],
      [[{ path: "./a.py", content: "" }], /empty or "\." segment/],
      [[{ path: "", content: "" }], /has no path/],
      [[{ path: "a.py", content: "" }, { path: "a.py", content: "" }], /a\.py is given twice/],
      [[{ path: "A.py", content: "" }, { path: "a.py", content: "" }], /A\.py and a\.py differ only in case/],
      [[{ path: "a", content: "" }, { path: "a/b.py", content: "" }], /a is a file, but a\/b\.py needs it to be a directory/],
      [[{ path: "a.py", content: 42 as never }], /content must be a string or a Uint8Array/],
    ];
    for (const [bad, message] of refused) {
      await expect(writeFilesAtomically(outDir, [...files, ...bad])).rejects.toThrow(message);
      await expect(writeFilesAtomically(outDir, bad)).rejects.toBeInstanceOf(OutputPathError);
    }
    expect(existsSync(outDir)).toBe(false);
    expect(readdirSync(path.dirname(outDir))).toEqual([]);
  });

  it("refuses an output directory that is a file, a target that is a directory, and symlinked parents", async () => {
    const parent = tempDir();
    writeFileSync(path.join(parent, "file"), "x");
    await expect(writeFilesAtomically(path.join(parent, "file"), files)).rejects.toThrow(/exists and is not a directory/);
    const outDir = path.join(parent, "out");
    mkdirSync(path.join(outDir, "etl_1.0.0.py"), { recursive: true });
    await expect(writeFilesAtomically(outDir, files)).rejects.toThrow(/etl_1\.0\.0\.py exists and is not a regular file/);
    rmSync(path.join(outDir, "etl_1.0.0.py"), { recursive: true });
    symlinkSync(tempDir(), path.join(outDir, "nested"));
    await expect(writeFilesAtomically(outDir, files)).rejects.toThrow(/nested is a symbolic link, not a directory/);
    expect(tree(outDir)).toEqual({});
  });

  it("writes nothing when a file cannot be staged, whether the output directory exists or not", async () => {
    const parent = tempDir();
    const tooLong: OutputFile = { path: `${"x".repeat(300)}.py`, content: "" };
    const missing = path.join(parent, "new-parent", "missing");
    const error = await writeFilesAtomically(missing, [...files, tooLong]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutputWriteError);
    expect((error as Error).message).toMatch(/cannot write x{300}\.py .*nothing was written/);
    expect(existsSync(missing)).toBe(false);

    const existing = path.join(parent, "existing");
    mkdirSync(existing);
    writeFileSync(path.join(existing, "etl_1.0.0.py"), "# old\n");
    await expect(writeFilesAtomically(existing, [...files, tooLong])).rejects.toBeInstanceOf(OutputWriteError);
    expect(tree(existing)).toEqual({ "etl_1.0.0.py": "# old\n" });
    expect(readdirSync(parent).sort()).toEqual(["existing"]);
  });

  it("puts everything back when moving a file into place fails midway", async () => {
    const parent = tempDir();
    const outDir = path.join(parent, "out");
    mkdirSync(outDir);
    writeFileSync(path.join(outDir, "etl_1.0.0.py"), "# old\n");
    writeFileSync(path.join(outDir, "b.py"), "# old b\n");
    const rename = promises.rename.bind(promises);
    let calls = 0;
    vi.spyOn(promises, "rename").mockImplementation(async (from, to) => {
      if (++calls === 3) throw Object.assign(new Error("EIO: i/o error, rename"), { code: "EIO" });
      return rename(from, to);
    });
    const batch: OutputFile[] = [
      { path: "etl_1.0.0.py", content: "# new\n" },
      { path: "fresh/new.py", content: "# fresh\n" },
      { path: "b.py", content: "# new b\n" },
    ];
    const error = await writeFilesAtomically(outDir, batch).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutputWriteError);
    expect((error as Error).message).toMatch(/cannot move the exported files into .*out: EIO: i\/o error, rename; .*out was left as it was/);
    expect(tree(outDir)).toEqual({ "b.py": "# old b\n", "etl_1.0.0.py": "# old\n" });
    expect(readdirSync(outDir).sort()).toEqual(["b.py", "etl_1.0.0.py"]);
    expect(readdirSync(parent)).toEqual(["out"]);
  });
});
