import { loadWorkflowFile, selectWorkflow } from "../../build-utils/discover/index.js";
import type { CliIo } from "../cli-io.js";
import { EXIT } from "../exit-codes.js";
import { UsageError } from "../errors.js";

/** `wf graph <file>`: the workflow as Mermaid (default) or DOT. */
export async function graphCommand(io: CliIo, file: string, options: { workflow?: string; format?: string }): Promise<number> {
  const format = options.format ?? "mermaid";
  if (format !== "mermaid" && format !== "dot") {
    throw new UsageError(`--format ${JSON.stringify(format)}: expected mermaid or dot`);
  }
  const { workflow } = selectWorkflow(await loadWorkflowFile(file, io.cwd), options.workflow);
  io.out(format === "dot" ? workflow.toDot() : workflow.toMermaid());
  return EXIT.OK;
}
