import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { InstallError, InstallRootError, installWorkflowPackage } from "../../../build-utils/install/index.js";
import { checkPackageName, checkPackageVersion, installDir } from "../../../build-utils/install/install-package.js";

const temporary: string[] = [];
afterAll(() => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

describe("installWorkflowPackage", () => {
  it("refuses an install root it cannot create, naming it and the setting to change, before running npm", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "wfkit-install-"));
    temporary.push(dir);
    writeFileSync(path.join(dir, "file"), "x");
    const root = path.join(dir, "file", "root");
    const attempt = installWorkflowPackage("my-pipelines@1.0.0", root);
    await expect(attempt).rejects.toBeInstanceOf(InstallRootError);
    await expect(attempt).rejects.toBeInstanceOf(InstallError);
    await expect(attempt).rejects.toMatchObject({ resolvableBy: "config", cause: expect.objectContaining({ code: "ENOTDIR" }) });
    await expect(attempt).rejects.toThrow(`cannot write to the install root ${root}: `);
    await expect(attempt).rejects.toThrow(/; give wf install a writable --root \(or WF_INSTALL_ROOT\)/);
  });
});

describe("what wf install makes folders from", () => {
  it("accepts npm package names, scoped ones included, and refuses the rest with npm's reason", () => {
    for (const name of ["my-pipelines", "@acme/etl", "legacy.Name"]) expect(() => checkPackageName(name, "x.tgz")).not.toThrow();
    for (const name of ["..", "../victim", ".hidden", "_private", "a/b", "@acme/../x", ""]) {
      expect(() => checkPackageName(name, "x.tgz"), name).toThrow(InstallError);
    }
    expect(() => checkPackageName("../victim", "crafted.tgz")).toThrow(/^crafted\.tgz installs a package named "\.\.\/victim", which is not a valid npm package name \(.+\); nothing was installed: fix "name" in its package\.json$/);
  });

  it("accepts a semver version as semver writes it and refuses paths, prefixes and non-strings", () => {
    for (const version of ["1.2.0", "0.0.1-rc.1", "1.2.0+build.5"]) expect(checkPackageVersion("p", version)).toBe(version);
    for (const version of ["../victim/2.0.0", "v1.2.0", " 1.2.0", "1.2", "1.2.0/..", 3, null]) {
      expect(() => checkPackageVersion("p", version), String(version)).toThrow(/which is not a semver version like 1\.2\.0; nothing was installed: fix "version" and pack it again/);
    }
    expect(() => checkPackageVersion("p", undefined)).toThrow('p has no version in its package.json; add one (e.g. "version": "1.0.0") and install it again');
  });

  it("builds the folder inside the root and refuses one that would leave it", () => {
    const root = path.resolve("/opt/wfkit");
    expect(installDir(root, "@acme/etl", "1.0.0")).toBe(path.join(root, "@acme", "etl", "1.0.0"));
    expect(() => installDir(root, "attacker", "../victim/2.0.0")).toThrow(/would be installed at .*victim.2\.0\.0, outside its folder in the install root/);
    expect(() => installDir(root, "..", "1.0.0")).toThrow(InstallError);
  });
});
