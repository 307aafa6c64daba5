/**
 * One task fans out to three parallel branches that join into one:
 *
 *   Fetch -> (Resize, Classify, Index) -> Publish
 *
 *   npx wf run examples/diamond.ts
 *   npx wf graph examples/diamond.ts
 */
import { setTimeout as sleep } from "node:timers/promises";
import { TaskBase, Workflow } from "wfkit";

/** A branch that takes a little while, watching the run's cancel signal. */
abstract class Branch extends TaskBase {
  protected abstract readonly what: string;

  async run(): Promise<void> {
    const steps = this.progress.child(this.what, 5);
    for (let i = 0; i < 5; i++) {
      await sleep(20, undefined, { signal: this.signal });
      steps.advance();
    }
    this.logger.info(`${this.what} done`);
  }
}

export class Fetch extends TaskBase {
  static override description = "Fetch the day's images";
  run(): void {
    this.logger.info("fetched 5 images");
  }
}

export class Resize extends Branch {
  static override description = "Make thumbnails";
  protected readonly what = "resize";
}

export class Classify extends Branch {
  static override description = "Label each image";
  protected readonly what = "classify";
}

export class Index extends Branch {
  static override description = "Index image metadata";
  protected readonly what = "index";
}

export class Publish extends TaskBase {
  static override description = "Publish once every branch is done";
  run(): void {
    this.logger.info("published the gallery");
  }
}

export const diamond = new Workflow({
  category: "gallery",
  inputData: "images",
  outputData: "site",
  version: "1.0.0",
  description: "Fan out to parallel branches and join",
  tags: ["example"],
});
diamond.addNode(Fetch);
diamond.addNode(Resize, { upstreams: Fetch });
diamond.addNode(Classify, { upstreams: Fetch });
diamond.addNode(Index, { upstreams: Fetch });
diamond.addNode(Publish, { upstreams: [Resize, Classify, Index] });

export default diamond;
