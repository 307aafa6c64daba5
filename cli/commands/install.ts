import { installWorkflowPackage } from "../../build-utils/install/index.js";
import { loadConfig } from "../../src/config/load-config.js";
import type { CliIo } from "../cli-io.js";
import { EXIT } from "../exit-codes.js";

/** `wf install <spec> [--root DIR]`: put one workflow package version where generated DAGs look for it. */
export async function installCommand(io: CliIo, spec: string, options: { root?: string; compile?: boolean }): Promise<number> {
  const root = options.root ?? loadConfig(io.env).WF_INSTALL_ROOT;
  const result = await installWorkflowPackage(spec, root, io.cwd, { compile: options.compile !== false });
  const where = result.dir;
  if (result.alreadyInstalled) {
    io.out(`${result.name}@${result.version} is already installed in ${where}; nothing to do\n`);
    return EXIT.OK;
  }
  const { compiled, skipped } = result.compiled;
  io.out(`installed ${result.name}@${result.version} in ${where}\n`);
  io.out(compiled.length > 0 ? `compiled ${compiled.length} workflow module(s) for the worker: ${compiled.join(", ")}\n` : `no workflow module compiled (${skipped}): tasks load the modules as they are\n`);
  return EXIT.OK;
}
