import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { InstallError, InstallRootError, installWorkflowPackage } from "../../../build-utils/install/index.js";

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
