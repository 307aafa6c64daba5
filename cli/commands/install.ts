import { installWorkflowPackage } from "../../build-utils/install/index.js";
import { loadConfig } from "../../src/config/load-config.js";
import type { CliIo } from "../cli-io.js";
import { EXIT } from "../exit-codes.js";

/** `wf install <spec> [--root DIR]`: put one workflow package version where generated DAGs look for it. */
export async function installCommand(io: CliIo, spec: string, options: { root?: string }): Promise<number> {
  const root = options.root ?? loadConfig(io.env).WF_INSTALL_ROOT;
  const result = await installWorkflowPackage(spec, root, io.cwd);
  const where = result.dir;
  io.out(
    result.alreadyInstalled
      ? `${result.name}@${result.version} is already installed in ${where}; nothing to do\n`
      : `installed ${result.name}@${result.version} in ${where}\n`,
  );
  return EXIT.OK;
}
