// What `npm pack` ships, asked of npm itself (build-utils/discover/packed-files.ts).
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PackedFilesError } from "../../../../build-utils/discover/index.js";
import { listPackedFiles, parsePackedFiles } from "../../../../build-utils/discover/packed-files.js";

const temporary: string[] = [];
afterAll(() => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

/** A temporary package: `files` (path → text) beside a package.json holding `packageJson`. */
function tempPackage(files: Record<string, string>, packageJson: object | string): string {
  const root = mkdtempSync(path.join(tmpdir(), "wfkit-packed-"));
  temporary.push(root);
  writeFileSync(path.join(root, "package.json"), typeof packageJson === "string" ? packageJson : JSON.stringify(packageJson));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  return root;
}

describe("listPackedFiles", () => {
  it('follows "files": only what it lists ships, with what npm always packs', async () => {
    const root = tempPackage({ "src/etl.ts": "", "dist/etl.js": "", "README.md": "" }, { name: "p", version: "1.0.0", files: ["dist/"] });
    expect([...(await listPackedFiles(root))].sort()).toEqual(["README.md", "dist/etl.js", "package.json"]);
  });

  it("follows .npmignore, and npm's own rules without one", async () => {
    const ignored = tempPackage({ "src/etl.ts": "", "src/scratch.ts": "", ".npmignore": "src/scratch.ts\n" }, { name: "p", version: "1.0.0" });
    expect([...(await listPackedFiles(ignored))].sort()).toEqual(["package.json", "src/etl.ts"]);
    const plain = tempPackage({ "src/etl.ts": "", "src/etl.ts.orig": "" }, { name: "p", version: "1.0.0" });
    expect([...(await listPackedFiles(plain))].sort()).toEqual(["package.json", "src/etl.ts"]);
  });

  it("runs no script of the package", async () => {
    const root = tempPackage({ "src/etl.ts": "" }, { name: "p", version: "1.0.0", scripts: { prepack: "touch ran", prepare: "touch ran" } });
    expect([...(await listPackedFiles(root))].sort()).toEqual(["package.json", "src/etl.ts"]);
    expect(existsSync(path.join(root, "ran"))).toBe(false);
  });

  it("rejects with a PackedFilesError carrying npm's reason when npm fails or is missing", async () => {
    const broken = tempPackage({}, "{ not json");
    const failing = listPackedFiles(broken);
    await expect(failing).rejects.toBeInstanceOf(PackedFilesError);
    await expect(failing).rejects.toThrow(`npm pack --dry-run --json --ignore-scripts failed in ${broken}, so wf cannot tell which files the package ships: `);
    await expect(failing).rejects.toMatchObject({ resolvableBy: "external" });
    const root = tempPackage({}, { name: "p", version: "1.0.0" });
    await expect(listPackedFiles(root, { ...process.env, PATH: path.join(root, "nothing-here") })).rejects.toThrow(/failed in .*: npm is not on PATH\n/);
  });
});

describe("parsePackedFiles", () => {
  it("reads the paths of npm's JSON report", () => {
    const report = JSON.stringify([{ id: "p@1.0.0", files: [{ path: "package.json", size: 2 }, { path: "src/etl.ts", size: 0 }] }]);
    expect([...parsePackedFiles(report)]).toEqual(["package.json", "src/etl.ts"]);
  });

  it("refuses what is not such a report", () => {
    expect(() => parsePackedFiles("npm warn something")).toThrow(SyntaxError);
    expect(() => parsePackedFiles('{"error": {"code": "E"}}')).toThrow(/no \[\{ "files": \[\.\.\.\] \}\]/);
    expect(() => parsePackedFiles('[{"files": [{"size": 1}]}]')).toThrow(/a file without a "path"/);
  });
});
