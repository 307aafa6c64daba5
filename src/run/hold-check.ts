import { openAuditStore } from "../audit/open-audit-store.js";
import { holdMessage, holdRecord, holdState } from "../audit/on-hold.js";
import { WorkflowOnHoldError } from "../audit/errors.js";
import { errorMessage } from "../errors/wfkit-error.js";
import type { WfLogger } from "../logging/logger.js";
import { openRunLogStore, sameHostCheck } from "../run-log/open-run-log-store.js";
import type { CompiledRunLogOptions } from "../run-log/run-log-options.js";
import type { Workflow } from "../workflow/workflow.js";

/**
 * Refuse a new run of a workflow on hold (its last `maxConsecutiveFailures` runs failed), before
 * anything of the run is made: the refusal is recorded (a `refuse` hold record) and thrown as
 * WorkflowOnHoldError naming the failed runs and `wf audit release`. Loaded only for workflows
 * that set `maxConsecutiveFailures`.
 */
export async function refuseIfOnHold(workflow: Workflow, max: number, runLog: CompiledRunLogOptions, run: { dagId: string; runId: string | undefined }, logger: WfLogger): Promise<void> {
  if (runLog.store === "off") {
    logger.child("wfkit.run").warn(`${workflow.name} sets maxConsecutiveFailures, but the run log is off (WF_RUN_LOG=off): nothing tells whether it is on hold, so the run goes ahead`);
    return;
  }
  const [store, audit] = await Promise.all([openRunLogStore(runLog), openAuditStore(runLog)]);
  try {
    const state = await holdState(workflow.name, max, store, audit, sameHostCheck, run.runId === undefined ? undefined : { dagId: run.dagId, runId: run.runId });
    if (!state.onHold) return;
    const message = holdMessage(workflow.name, state);
    try {
      await audit.addHold(holdRecord(workflow.name, "refuse", message, run.runId === undefined ? undefined : { dagId: run.dagId, runId: run.runId }));
    } catch (error) {
      logger.child("wfkit.run").warn(`could not record the refusal: ${errorMessage(error)}`);
    }
    throw new WorkflowOnHoldError(message);
  } finally {
    await Promise.all([store.close(), audit.close()]);
  }
}
