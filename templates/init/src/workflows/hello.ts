// Your first workflow: one task that greets someone. Run it with `npx wf run src/workflows/hello.ts`,
// test it with `npm test`, export it with `npx wf export --engine airflow --out dags .`.
import { z } from "zod";
import { TaskBase, Workflow } from "wfkit";

const params = z.object({
  who: z.string().default("world").describe("Whom to greet"),
});
type Params = z.infer<typeof params>;

/** Says hello to the person the run's params name. */
export class Greet extends TaskBase<Params> {
  run(): void {
    this.logger.bind({ who: this.params.who }).info(`hello, ${this.params.who}`);
  }
}

export const hello = new Workflow({
  category: "hello",
  inputData: "name",
  outputData: "greeting",
  version: "0.1.0",
  description: "Greets someone",
  params,
}).addNode(Greet);
