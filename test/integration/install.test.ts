// `wf install`: one version of a workflow package into <root>/<name>/<version>/, staged and
// renamed into place, never touched again, and refused with a clear message when it cannot run.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot, wf } from "../support/wf-cli.js";
import { wfkitTarball } from "../support/wfkit-tarball.js";

describe("wf install", () => {
  it("installs a version once, with its own wf, and leaves it alone the second time", async () => {
    const root = await mkdtemp(path.join(tmpdir(), "wfkit-install-"));
    const first = await wf(["install", await wfkitTarball(), "--root", root]);
    expect(first.code, first.stderr).toBe(0);
    const version = (JSON.parse(await readFile(path.join(repoRoot, "package.json"), "utf8")) as { version: string }).version;
    const dir = path.join(root, "wfkit", version);
    expect(first.stdout.split("\n")[0]).toBe(`installed wfkit@${version} in ${dir}`);
    // Its examples import wfkit: each is compiled for the worker, beside its source.
    expect(first.stdout).toMatch(/^compiled \d+ workflow module\(s\) for the worker: .*examples\/etl\.ts/m);
    expect(existsSync(path.join(dir, "node_modules", "wfkit", "examples", "etl.wfkit.mjs"))).toBe(true);
    // The build tools are wfkit's peers: a worker's install has none of them.
    for (const tool of ["tsx", "ts-morph", "esbuild", "handlebars", "archiver"]) expect(existsSync(path.join(dir, "node_modules", tool)), tool).toBe(false);
    // A task of the TypeScript example runs on that install (no tsx there: the compiled module
    // runs), and finds the CSV beside its source through import.meta.url.
    const home = await mkdtemp(path.join(tmpdir(), "wfkit-install-home-"));
    const task = execFileSync(path.join(dir, "node_modules", ".bin", "wf"), ["run-task", path.join(dir, "node_modules", "wfkit", "examples", "etl.ts"), "--task", "Extract", "--run-id", "installed"], {
      env: { ...process.env, WF_HOME: home, WF_LOG_FORMAT: "json" },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    expect(task).toBe("");
    expect(existsSync(path.join(home, "runs"))).toBe(true);
    expect(existsSync(path.join(dir, "node_modules", ".bin", "wf"))).toBe(true);
    expect(existsSync(path.join(dir, "node_modules", "wfkit", "examples", "etl.ts"))).toBe(true);

    const again = await wf(["install", await wfkitTarball()], { WF_INSTALL_ROOT: root });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain("is already installed");
    expect((await readdir(root)).sort()).toEqual(["wfkit"]);
  }, 180_000);

  it("refuses a package that does not depend on wfkit, leaving nothing behind", async () => {
    const root = await mkdtemp(path.join(tmpdir(), "wfkit-install-"));
    const pkg = await mkdtemp(path.join(tmpdir(), "wfkit-nodeps-"));
    await writeFile(path.join(pkg, "package.json"), JSON.stringify({ name: "no-wfkit", version: "1.0.0" }));
    await mkdir(path.join(pkg, "lib"));
    await writeFile(path.join(pkg, "lib", "index.js"), "export {};\n");
    const out = await wf(["install", pkg, "--root", root]);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('no-wfkit@1.0.0 does not depend on wfkit');
    expect(await readdir(root)).toEqual([]);
  }, 120_000);

  it("says what is wrong with a folder that is not a package", async () => {
    const root = await mkdtemp(path.join(tmpdir(), "wfkit-install-"));
    const out = await wf(["install", root, "--root", path.join(root, "r")]);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain("is a folder without package.json");
  });

  // Found by trying to break wfkit: npm installs a tarball whose version is not semver, and the
  // version became a folder of the root, so this tarball installed itself as victim@2.0.0.
  for (const version of ["../victim/2.0.0", "../../../../escaped/1.0.0"]) {
    it(`refuses a crafted tarball whose version is ${version}, writing nothing outside its own folder`, async () => {
      const root = await mkdtemp(path.join(tmpdir(), "wfkit-install-"));
      await mkdir(path.join(root, "victim", "2.0.0"), { recursive: true });
      await writeFile(path.join(root, "victim", "2.0.0", "marker"), "the victim's install");
      const src = await mkdtemp(path.join(tmpdir(), "wfkit-crafted-"));
      await mkdir(path.join(src, "package"));
      await writeFile(path.join(src, "package", "package.json"), JSON.stringify({ name: "attacker", version }));
      const tarball = path.join(src, "attacker.tgz");
      execFileSync("tar", ["czf", tarball, "-C", src, "package"]);
      const out = await wf(["install", tarball, "--root", root]);
      expect(out.code, out.stdout).toBe(2);
      expect(out.stderr).toContain(`attacker has the version ${JSON.stringify(version)} in its package.json, which is not a semver version like 1.2.0; nothing was installed`);
      expect(await readdir(root)).toEqual(["victim"]);
      expect(await readdir(path.join(root, "victim", "2.0.0"))).toEqual(["marker"]);
      expect(existsSync(path.resolve(root, version))).toBe(false);
    }, 120_000);
  }
});
