/**
 * What failure looks like. `Flaky` fails on its first attempt and succeeds on its retry;
 * `AlwaysFails` always fails, so its downstream tasks end `upstream_failed` while the other
 * branch finishes. `wf run` exits 1.
 *
 *   npx wf run examples/flaky.ts
 */
import { TaskBase, Workflow } from "wfkit";

/** A user error: callers of runLocal can check `result.tasks[i].error instanceof ExportError`. */
export class ExportError extends Error {
  override name = "ExportError";
}

export class Start extends TaskBase {
  run(): void {
    this.logger.info("starting");
  }
}

export class Flaky extends TaskBase {
  static override description = "Fails once, then succeeds";
  static override retries = 2;
  static override retryDelaySeconds = 1;

  run(): void {
    if (this.attempt === 1) throw new Error("connection reset by peer (transient)");
    this.logger.info(`succeeded on attempt ${this.attempt}`);
  }
}

export class Summarize extends TaskBase {
  run(): void {
    this.logger.info("summary written");
  }
}

export class AlwaysFails extends TaskBase {
  static override description = "Always fails";

  run(): void {
    throw new ExportError("the export target rejected the file: quota exceeded");
  }

  override rollback(): void {
    this.logger.warn("rolling back the partial export");
  }
}

export class Publish extends TaskBase {
  run(): void {
    this.logger.info("published");
  }
}

export class Notify extends TaskBase {
  run(): void {
    this.logger.info("notified");
  }
}

export const flaky = new Workflow({ category: "flaky", detail: "demo", version: "dev", tags: ["example"] });
flaky.addNode(Start);
flaky.addNode(Flaky, { upstreams: Start });
flaky.addNode(Summarize, { upstreams: Flaky });
flaky.addNode(AlwaysFails, { upstreams: Start });
flaky.addNode(Publish, { upstreams: AlwaysFails });
flaky.addNode(Notify, { upstreams: Publish });

export default flaky;
