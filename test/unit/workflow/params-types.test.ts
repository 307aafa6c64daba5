// Type test: a workflow's params and its tasks' params types must fit, or the code does not
// compile. Each `@ts-expect-error` below is a mismatch the compiler must refuse: if it ever
// accepted one, the directive would be unused and `npm run typecheck` (CI) would fail.
import { describe, expect, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { TaskBase, Workflow } from "wfkit";

const params = z.object({ n: z.number(), label: z.string().default("x") });

class UsesN extends TaskBase<{ n: number }> {
  run(): void {}
}
class UsesAll extends TaskBase<z.infer<typeof params>> {
  run(): void {}
}
class UsesNothing extends TaskBase {
  run(): void {}
}
class UsesX extends TaskBase<{ x: string }> {
  run(): void {}
}
class UsesNAsText extends TaskBase<{ n: string }> {
  run(): void {}
}

describe("addNode and params types", () => {
  it("accepts tasks whose params type the workflow's params fit", () => {
    const wf = new Workflow({ category: "types", version: "dev", params }).addNode(UsesN).addNode(UsesAll).addNode(UsesNothing);
    expect(wf.validate()).toEqual([]);
    expectTypeOf(wf.params).toEqualTypeOf<typeof params>();
    // Without params, tasks that need none are fine.
    expect(new Workflow({ category: "types", version: "dev" }).addNode(UsesNothing).validate()).toEqual([]);
  });

  it("refuses, at compile time, a task that expects params the workflow does not give", () => {
    const wf = new Workflow({ category: "types", version: "dev", params });
    // @ts-expect-error UsesX needs `x`, which the workflow's params do not have
    wf.addNode(UsesX);
    // @ts-expect-error UsesNAsText needs `n` as a string; the workflow gives a number
    wf.addNode(UsesNAsText);
    // At run time these are still plain task classes: the check is the compiler's.
    expect(wf.nodes.map((n) => n.name)).toEqual(["UsesX", "UsesNAsText"]);
  });

  // A workflow made without params has the schema type `ParamsSchema | undefined` (TypeScript
  // infers no narrower one from an absent option), so it is not checked either.
  it("a workflow whose schema type is unknown (loaded from a file, or made without params) accepts any task", () => {
    const loaded: Workflow = new Workflow({ category: "types", version: "dev", params });
    loaded.addNode(UsesX);
    expect(loaded.nodes).toHaveLength(1);
  });
});
