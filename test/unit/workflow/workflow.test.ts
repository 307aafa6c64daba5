import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  TaskBase,
  WfkitError,
  Workflow,
  WorkflowValidationError,
  type NodeOptions,
  type ParamsSchema,
  type TaskClass,
  type ValidationCode,
  type ValidationIssue,
  type WorkflowOptions,
} from "wfkit";
import { VALIDATION_CODES } from "../../../src/workflow/validation-issue.js";
import { isTaskClass } from "../../../src/task/task-base.js";

/** A task's settings when neither its class nor the workflow sets any. */
const DEFAULT_SETTINGS = { retries: 0, retryDelaySeconds: 60, retryExponentialBackoff: false, queue: "default", poolSlots: 1, priorityWeight: 1, triggerRule: "all_success" };

class Extract extends TaskBase {
  run(): void {}
}
class Transform extends TaskBase {
  static override retries = 2;
  static override retryDelaySeconds = 5;
  static override queue = "cpu";
  static override description: string | undefined = "Transforms rows";
  run(): void {}
}
class Load extends TaskBase {
  run(): void {}
}
class Extrct extends TaskBase {
  run(): void {}
}
class Bad$Task extends TaskBase {
  run(): void {}
}
class Plain {
  run(): void {}
}

/** A fresh TaskBase subclass with the given name. */
function taskClass(name: string): TaskClass {
  return { [name]: class extends TaskBase {
    run(): void {}
  } }[name]!;
}

/** Something that is not a task, typed as one (as plain JavaScript callers could pass). */
function bogus(value: unknown): TaskClass {
  return value as TaskClass;
}

function workflow(options: Partial<WorkflowOptions> = {}): Workflow {
  return new Workflow({ category: "etl", inputData: "csv", outputData: "db", version: "1.0.0", ...options });
}

function codes(wf: Workflow): ValidationCode[] {
  return wf.validate().map((i) => i.code);
}

function only(wf: Workflow, code: ValidationCode): ValidationIssue[] {
  return wf.validate().filter((i) => i.code === code);
}

function validationError(wf: Workflow): WorkflowValidationError {
  try {
    wf.assertValid();
  } catch (error) {
    if (error instanceof WorkflowValidationError) return error;
    throw error;
  }
  throw new Error("assertValid did not throw");
}

describe("Workflow identity", () => {
  it("derives name and dag id from its options", () => {
    const wf = workflow({ detail: "nightly", version: "1.2.0", description: "d" });
    expect(wf.name).toBe("csv_to_db_etl_nightly");
    expect(wf.dagId).toBe("csv_to_db_etl_nightly_1.2.0");
    expect(wf.version).toBe("1.2.0");
    expect(wf.description).toBe("d");
    expect(wf.params).toBeUndefined();
    expect(wf.options.tags).toEqual([]);
    expect(wf.options.schedule).toBeNull();
  });

  it("names a workflow without input and output data after its category", () => {
    const wf = new Workflow({ category: "cleanup", version: "dev" });
    expect(wf.name).toBe("cleanup");
    expect(wf.dagId).toBe("cleanup_dev");
    expect(wf.validate()).toEqual([{ code: "empty-workflow", path: ["nodes"], tasks: [], message: expect.any(String) }]);
  });

  it("keeps its params schema", () => {
    const params = z.object({ date: z.string() });
    expect(new Workflow({ category: "etl", version: "1.0.0", params }).params).toBe(params);
  });
});

describe("Workflow.isWorkflow", () => {
  it("recognises workflows and nothing else", () => {
    expect(Workflow.isWorkflow(workflow())).toBe(true);
    expect(Workflow.isWorkflow({})).toBe(false);
    expect(Workflow.isWorkflow(null)).toBe(false);
    expect(Workflow.isWorkflow("workflow")).toBe(false);
    expect(Workflow.isWorkflow(Workflow)).toBe(false);
    expect(Workflow.isWorkflow({ [Symbol.for("wfkit.workflow")]: "true" })).toBe(false);
    expect(Workflow.isWorkflow({ [Symbol("wfkit.workflow")]: true })).toBe(false);
  });

  it("recognises a workflow of another copy by its registered brand", () => {
    expect(Workflow.isWorkflow({ [Symbol.for("wfkit.workflow")]: true })).toBe(true);
    const foreignPrototype = Object.defineProperty({}, Symbol.for("wfkit.workflow"), { value: true });
    expect(Workflow.isWorkflow(Object.create(foreignPrototype))).toBe(true);
  });

  it("works both ways across two loaded copies of the module", async () => {
    const spec = "../../../src/workflow/workflow.ts?copy=2";
    const copy = (await import(/* @vite-ignore */ spec)) as typeof import("../../../src/workflow/workflow.js");
    expect(copy.Workflow).not.toBe(Workflow);
    const foreign = new copy.Workflow({ category: "etl", version: "1.0.0" });
    expect(foreign instanceof Workflow).toBe(false);
    expect(Workflow.isWorkflow(foreign)).toBe(true);
    expect(copy.Workflow.isWorkflow(workflow())).toBe(true);
  });
});

describe("isTaskClass", () => {
  it("accepts TaskBase subclasses and rejects everything else", () => {
    expect(isTaskClass(Extract)).toBe(true);
    expect(isTaskClass(taskClass("Dynamic"))).toBe(true);
    expect(isTaskClass(Plain)).toBe(false);
    expect(isTaskClass(function plain() {})).toBe(false);
    expect(isTaskClass(() => {})).toBe(false);
    expect(isTaskClass({})).toBe(false);
    expect(isTaskClass(42)).toBe(false);
    expect(isTaskClass(null)).toBe(false);
    expect(isTaskClass({ prototype: Extract.prototype })).toBe(false);
  });

  it("accepts a class of another copy by the registered brand on its prototype", () => {
    class Foreign {
      static retries = 1;
      static retryDelaySeconds = 2;
      static queue = "elsewhere";
      static description: string | undefined = undefined;
      run(): void {}
    }
    Object.defineProperty(Foreign.prototype, Symbol.for("wfkit.task"), { value: true });
    expect(isTaskClass(Foreign)).toBe(true);

    const wf = workflow().addNode(bogus(Foreign)).addNode(Load, { upstreams: bogus(Foreign) });
    expect(wf.validate()).toEqual([]);
    // A copy of wfkit from before a setting existed has no static for it: wfkit's default applies.
    expect(wf.nodes[0]!.settings).toEqual({ ...DEFAULT_SETTINGS, retries: 1, retryDelaySeconds: 2, queue: "elsewhere" });
    expect(wf.topologicalOrder().map((n) => n.name)).toEqual(["Foreign", "Load"]);
  });

  it("does not accept the brand in the wrong place or with the wrong value", () => {
    const onClass = Object.assign(function OnClass() {}, { [Symbol.for("wfkit.task")]: true });
    expect(isTaskClass(onClass)).toBe(false);
    function WrongValue() {}
    (WrongValue.prototype as Record<symbol, unknown>)[Symbol.for("wfkit.task")] = "yes";
    expect(isTaskClass(WrongValue)).toBe(false);
    function Local() {}
    (Local.prototype as Record<symbol, unknown>)[Symbol("wfkit.task")] = true;
    expect(isTaskClass(Local)).toBe(false);
  });
});

describe("addNode", () => {
  it("returns the workflow, and keeps tasks in the order they were added", () => {
    const wf = workflow();
    expect(wf.addNode(Load)).toBe(wf);
    wf.addNode(Extract).addNode(Transform);
    expect(wf.nodes.map((n) => n.name)).toEqual(["Load", "Extract", "Transform"]);
    expect(wf.nodes.map((n) => n.task)).toEqual([Load, Extract, Transform]);
  });

  it("takes one upstream class or an array of them", () => {
    const wf = workflow()
      .addNode(Extract)
      .addNode(Transform, { upstreams: Extract })
      .addNode(Load, { upstreams: [Extract, Transform] });
    expect(wf.validate()).toEqual([]);
    expect(wf.nodes.map((n) => n.upstreams)).toEqual([[], [Extract], [Extract, Transform]]);
    expect(wf.graph()).toEqual([
      { name: "Extract", upstreams: [] },
      { name: "Transform", upstreams: [0] },
      { name: "Load", upstreams: [0, 1] },
    ]);
  });

  it("skips the holes of a sparse upstream array", () => {
    const sparse = [Extract, , Transform] as unknown as TaskClass[];
    const wf = workflow().addNode(Extract).addNode(Transform).addNode(Load, { upstreams: sparse });
    expect(wf.validate()).toEqual([]);
    expect(wf.nodes[2]!.upstreams).toEqual([Extract, Transform]);
  });

  it("ignores a repeated upstream", () => {
    const wf = workflow().addNode(Extract).addNode(Load, { upstreams: [Extract, Extract] });
    expect(wf.validate()).toEqual([]);
    expect(wf.nodes[1]!.upstreams).toEqual([Extract]);
    expect(wf.graph()[1]!.upstreams).toEqual([0]);
  });

  it("accepts an upstream added after its downstream", () => {
    const wf = workflow().addNode(Load, { upstreams: Extract }).addNode(Extract);
    expect(wf.validate()).toEqual([]);
    expect(wf.topologicalOrder().map((n) => n.name)).toEqual(["Extract", "Load"]);
  });

  it("resolves settings from the class statics", () => {
    const wf = workflow().addNode(Extract).addNode(Transform);
    expect(wf.nodes[0]!.settings).toEqual(DEFAULT_SETTINGS);
    expect(wf.nodes[1]!.settings).toEqual({
      ...DEFAULT_SETTINGS,
      retries: 2,
      retryDelaySeconds: 5,
      queue: "cpu",
      description: "Transforms rows",
    });
  });

  it("gives the workflow's defaultTaskSettings to what a task class leaves out; the class's own statics and node options win", () => {
    class Own extends TaskBase {
      static override retries = 5;
      static override triggerRule = "all_done" as const;
      override run(): void {}
    }
    class Inherits extends Own {}
    const wf = workflow({ defaultTaskSettings: { retries: 1, timeoutSeconds: 30, pool: "db", triggerRule: "none_failed", owner: "data" } })
      .addNode(Extract)
      .addNode(Own)
      .addNode(Inherits, { upstreams: Own, pool: "other", priorityWeight: 3 });
    expect(wf.validate()).toEqual([]);
    expect(wf.nodes[0]!.settings).toEqual({ ...DEFAULT_SETTINGS, retries: 1, timeoutSeconds: 30, pool: "db", triggerRule: "none_failed", owner: "data" });
    expect(wf.nodes[1]!.settings).toEqual({ ...DEFAULT_SETTINGS, retries: 5, timeoutSeconds: 30, pool: "db", triggerRule: "all_done", owner: "data" });
    expect(wf.nodes[2]!.settings).toEqual({ ...DEFAULT_SETTINGS, retries: 5, timeoutSeconds: 30, pool: "other", priorityWeight: 3, triggerRule: "all_done", owner: "data" });
  });

  it("reads the settings of classes that set no statics from their root once, and of any other class from the class", () => {
    class Plain extends TaskBase {
      override run(): void {}
    }
    class AlsoPlain extends Plain {}
    const Declares = Object.assign(taskClass("Declares"), { outputs: ["x"] });
    class SetsOne extends Plain {
      static override poolSlots = 3;
    }
    const wf = workflow().addNode(Plain).addNode(AlsoPlain).addNode(Declares).addNode(SetsOne).addNode(taskClass("Opt"), { queue: "q" });
    expect(wf.validate()).toEqual([]);
    const [plain, alsoPlain, declares, setsOne, opt] = wf.nodes;
    expect(plain!.settings).toEqual(DEFAULT_SETTINGS);
    expect(alsoPlain!.settings).toBe(plain!.settings);
    expect(Object.isFrozen(plain!.settings)).toBe(true);
    expect(declares!.outputs?.names).toEqual(["x"]);
    expect(setsOne!.settings).toEqual({ ...DEFAULT_SETTINGS, poolSlots: 3 });
    expect(opt!.settings).toEqual({ ...DEFAULT_SETTINGS, queue: "q" });
  });

  it("reports an end date before the start date: Airflow would schedule nothing", () => {
    const wf = workflow({ startDate: "2026-11-02", endDate: "2026-11-01" }).addNode(Extract);
    expect(wf.validate().map((i) => [i.code, i.path.join("."), i.message])).toEqual([
      ["invalid-option", "endDate", "workflow option endDate 2026-11-01T00:00:00.000Z is before startDate 2026-11-02T00:00:00.000Z: Airflow would schedule nothing; move one of them"],
    ]);
  });

  it("accepts a scheduled workflow whose params all have defaults or are optional", () => {
    const wf = workflow({ schedule: "0 6 * * 1-5", params: z.object({ day: z.string().optional(), limit: z.number().default(10) }) }).addNode(Extract);
    expect(wf.validate()).toEqual([]);
  });

  it("reports a bad default task setting and a bad node setting by name", () => {
    const wf = workflow({ defaultTaskSettings: { timeoutSeconds: 0, triggerRule: "always" } as never }).addNode(Extract, { poolSlots: 0 });
    expect(wf.validate().map((i) => [i.code, i.path.join(".")])).toEqual([
      ["invalid-option", "defaultTaskSettings.timeoutSeconds"],
      ["invalid-option", "defaultTaskSettings.triggerRule"],
      ["invalid-node-option", "nodes.0.poolSlots"],
    ]);
  });

  it("lets node options override the class statics", () => {
    const wf = workflow().addNode(Transform, { retries: 0, retryDelaySeconds: 0, queue: "gpu" });
    expect(wf.nodes[0]!.settings).toMatchObject({ retries: 0, retryDelaySeconds: 0, queue: "gpu" });
    // the class itself is untouched
    expect(Transform.retries).toBe(2);
  });

  it("revalidates after a node is added", () => {
    const wf = workflow();
    expect(codes(wf)).toEqual(["empty-workflow"]);
    wf.addNode(Extract);
    expect(codes(wf)).toEqual([]);
    wf.addNode(Load, { upstreams: Transform });
    expect(codes(wf)).toEqual(["unknown-upstream"]);
    wf.addNode(Transform);
    expect(codes(wf)).toEqual([]);
    expect(wf.topologicalOrder().map((n) => n.name)).toEqual(["Extract", "Transform", "Load"]);
  });
});

describe("validation", () => {
  it("finds nothing wrong with a valid workflow", () => {
    const wf = workflow().addNode(Extract).addNode(Transform, { upstreams: Extract }).addNode(Load, {
      upstreams: Transform,
    });
    expect(wf.validate()).toEqual([]);
    expect(() => wf.assertValid()).not.toThrow();
  });

  it("returns a copy of the issues", () => {
    const wf = workflow();
    wf.validate().length = 0;
    expect(codes(wf)).toEqual(["empty-workflow"]);
  });

  it("reports an empty workflow", () => {
    expect(workflow().validate()).toEqual([
      { code: "empty-workflow", path: ["nodes"], tasks: [], message: expect.stringContaining("csv_to_db_etl") },
    ]);
  });

  describe("names", () => {
    it.each(["category", "detail", "inputData", "outputData"] as const)("rejects bad characters in %s, naming it", (field) => {
      const wf = workflow({ [field]: "my data/v2" }).addNode(Extract);
      const issues = wf.validate();
      expect(issues).toHaveLength(1);
      expect(issues[0]).toMatchObject({ code: "invalid-name", path: [field], tasks: [] });
      expect(issues[0]!.message).toContain(field);
      expect(issues[0]!.message).toContain("' ' (space)");
      expect(issues[0]!.message).toContain('"/"');
    });

    it("reports each bad name part", () => {
      const wf = workflow({ category: "a$", detail: "b€", inputData: "c d" }).addNode(Extract);
      expect(only(wf, "invalid-name").map((i) => i.path[0])).toEqual(["category", "detail", "inputData"]);
    });

    it("accepts names of exactly 100 characters and rejects 101", () => {
      // 30 + "_to_" + 30 + "_" + 35 = 100
      const ok = workflow({ inputData: "i".repeat(30), outputData: "o".repeat(30), category: "c".repeat(35) });
      expect(ok.name).toHaveLength(100);
      expect(codes(ok.addNode(Extract))).toEqual([]);

      const long = workflow({ inputData: "i".repeat(30), outputData: "o".repeat(30), category: "c".repeat(36) });
      expect(long.name).toHaveLength(101);
      const issues = long.addNode(Extract).validate();
      expect(issues).toHaveLength(1);
      expect(issues[0]).toMatchObject({ code: "name-too-long", path: ["name"], tasks: [] });
      expect(issues[0]!.message).toContain("101");
      expect(issues[0]!.message).toContain("100");
    });

    it("accepts tags of 100 characters and reports longer ones (Airflow's limit), as wf export would refuse them", () => {
      expect(codes(workflow({ tags: ["t".repeat(100)] }).addNode(Extract))).toEqual([]);
      const issues = workflow({ tags: ["ok", "t".repeat(200_000)] }).addNode(Extract).validate();
      expect(issues).toEqual([
        { code: "tag-too-long", path: ["tags", 1], tasks: [], message: `tag 1 ("${"t".repeat(40)}…") is 200000 characters; Airflow allows at most 100: shorten it` },
      ]);
    });

    it("counts the detail in the name's length", () => {
      const wf = new Workflow({ category: "c".repeat(90), detail: "d".repeat(10), version: "1.0.0" }).addNode(Extract);
      expect(wf.name).toHaveLength(101);
      expect(codes(wf)).toEqual(["name-too-long"]);
    });
  });

  describe("version", () => {
    it.each(["1.0.0", "0.1.0", "10.20.30", "1.0.0-rc.1", "2.0.0-alpha-1", "dev"])("accepts %s", (version) => {
      expect(codes(workflow({ version }).addNode(Extract))).toEqual([]);
    });

    it.each(["1.0", "1", "v1", "v1.0.0", " 1.0.0", "1.0.0 ", "Dev", "latest", "01.0.0", "1.0.0-"])(
      "rejects %j",
      (version) => {
        const issues = workflow({ version }).addNode(Extract).validate();
        expect(issues).toHaveLength(1);
        expect(issues[0]).toMatchObject({ code: "invalid-version", path: ["version"], tasks: [] });
        expect(issues[0]!.message).toContain(JSON.stringify(version));
      },
    );

    it("rejects build metadata, which a dag id cannot hold", () => {
      const issues = workflow({ version: "1.0.0+build" }).addNode(Extract).validate();
      expect(issues).toHaveLength(1);
      expect(issues[0]).toMatchObject({ code: "invalid-version", path: ["version"] });
      expect(issues[0]!.message).toContain('"+"');
      expect(issues[0]!.message).toContain("build metadata");
    });
  });

  describe("tasks", () => {
    it.each<[string, unknown, string]>([
      ["an object", {}, "an object"],
      ["a number", 42, "number 42"],
      ["a string", "Extract", 'string "Extract"'],
      ["null", null, "null"],
      ["undefined", undefined, "undefined"],
      ["a bigint", 10n, "bigint 10"],
      ["a symbol", Symbol("task"), "symbol Symbol(task)"],
      ["a plain function", function plainFunction() {}, "plainFunction"],
      ["an arrow function", () => {}, "(anonymous)"],
      ["a plain class", Plain, "Plain"],
    ])("rejects %s as a task", (_, value, shown) => {
      const wf = workflow().addNode(Extract).addNode(bogus(value));
      const issues = wf.validate();
      expect(issues).toHaveLength(1);
      expect(issues[0]).toMatchObject({ code: "not-a-task", path: ["nodes", 1], tasks: [] });
      expect(issues[0]!.message).toContain(shown);
      expect(issues[0]!.message).toContain("does not extend TaskBase");
      expect(wf.nodes.map((n) => n.name)).toEqual(["Extract"]);
    });

    it("rejects an upstream that is not a task, naming the task and the upstream's position", () => {
      const wf = workflow()
        .addNode(Extract)
        .addNode(Load, { upstreams: [Extract, bogus(Plain), bogus(7)] });
      const issues = wf.validate();
      expect(issues.map((i) => [i.code, i.path, i.tasks])).toEqual([
        ["not-a-task", ["nodes", 1, "upstreams", 1], ["Load"]],
        ["not-a-task", ["nodes", 1, "upstreams", 2], ["Load"]],
      ]);
      expect(issues[0]!.message).toContain("Plain");
      expect(issues[1]!.message).toContain("number 7");
    });

    it("rejects a class whose name is not a valid task id", () => {
      const issues = workflow().addNode(Bad$Task).validate();
      expect(issues).toHaveLength(1);
      expect(issues[0]).toMatchObject({ code: "invalid-task-name", path: ["nodes", 0], tasks: ["Bad$Task"] });
      expect(issues[0]!.message).toContain('"Bad$Task"');
    });

    it("rejects an anonymous class", () => {
      const anonymous = [class extends TaskBase {
        run(): void {}
      }][0]!;
      expect(anonymous.name).toBe("");
      const issues = workflow().addNode(anonymous).validate();
      expect(issues.map((i) => i.code)).toEqual(["invalid-task-name"]);
      expect(issues[0]!.message).toContain("(anonymous)");
    });

    it("rejects a task added twice", () => {
      const issues = workflow().addNode(Extract).addNode(Load).addNode(Extract).validate();
      expect(issues).toHaveLength(1);
      expect(issues[0]).toMatchObject({ code: "duplicate-task", path: ["nodes", 2], tasks: ["Extract"] });
      expect(issues[0]!.message).toContain("added twice");
    });

    it("rejects two different classes with the same name", () => {
      const issues = workflow().addNode(Extract).addNode(taskClass("Extract")).validate();
      expect(issues).toHaveLength(1);
      expect(issues[0]).toMatchObject({ code: "duplicate-task", path: ["nodes", 1], tasks: ["Extract"] });
      expect(issues[0]!.message).toContain("two different classes are named Extract");
    });
  });

  describe("upstreams", () => {
    it("rejects an upstream that is not in the workflow, suggesting a similar name", () => {
      const issues = workflow().addNode(Extract).addNode(Load, { upstreams: Extrct }).validate();
      expect(issues).toHaveLength(1);
      expect(issues[0]).toMatchObject({
        code: "unknown-upstream",
        path: ["nodes", 1, "upstreams", 0],
        tasks: ["Load", "Extrct"],
      });
      expect(issues[0]!.message).toContain("upstream Extrct of Load is not in the workflow");
      expect(issues[0]!.message).toContain('did you mean "Extract"?');
      expect(issues[0]!.message).toContain("addNode(Extrct)");
    });

    it("suggests nothing when no name is close", () => {
      const issues = workflow().addNode(Load).addNode(Transform, { upstreams: Extract }).validate();
      expect(issues.map((i) => i.code)).toEqual(["unknown-upstream"]);
      expect(issues[0]!.message).not.toContain("did you mean");
    });

    it("explains an upstream that is a different class with the same name", () => {
      const issues = workflow()
        .addNode(Extract)
        .addNode(Load, { upstreams: [taskClass("Extract")] })
        .validate();
      expect(issues).toHaveLength(1);
      expect(issues[0]).toMatchObject({ code: "unknown-upstream", tasks: ["Load", "Extract"] });
      expect(issues[0]!.message).toContain("different class from the Extract in the workflow");
    });

    it("reports each unknown upstream at its position", () => {
      const issues = workflow()
        .addNode(Load, { upstreams: [Extract, Transform] })
        .validate();
      expect(issues.map((i) => i.path)).toEqual([
        ["nodes", 0, "upstreams", 0],
        ["nodes", 0, "upstreams", 1],
      ]);
    });
  });

  describe("node options", () => {
    it.each<[string, NodeOptions, string]>([
      ["negative retries", { retries: -1 }, "retries"],
      ["fractional retries", { retries: 1.5 }, "retries"],
      ["negative retry delay", { retryDelaySeconds: -1 }, "retryDelaySeconds"],
      ["NaN retry delay", { retryDelaySeconds: Number.NaN }, "retryDelaySeconds"],
      ["an empty queue", { queue: "" }, "queue"],
    ])("rejects %s", (_, options, key) => {
      const issues = workflow().addNode(Extract).addNode(Load, options).validate();
      expect(issues).toHaveLength(1);
      expect(issues[0]).toMatchObject({ code: "invalid-node-option", path: ["nodes", 1, key], tasks: ["Load"] });
      expect(issues[0]!.message).toContain(`task Load: ${key}`);
    });

    it("reports every bad option of a node", () => {
      const issues = workflow().addNode(Extract, { retries: -1, queue: "", retryDelaySeconds: -5 }).validate();
      expect(issues.map((i) => i.path[2]).sort()).toEqual(["queue", "retries", "retryDelaySeconds"]);
    });

    it("rejects bad class statics too", () => {
      class Flaky extends TaskBase {
        static override retries = -2;
        run(): void {}
      }
      const issues = workflow().addNode(Flaky).validate();
      expect(issues.map((i) => [i.code, i.path])).toEqual([["invalid-node-option", ["nodes", 0, "retries"]]]);
    });
  });

  describe("cycles", () => {
    it("reports a cycle with its path", () => {
      const A = taskClass("A");
      const B = taskClass("B");
      const C = taskClass("C");
      const wf = workflow().addNode(A, { upstreams: C }).addNode(B, { upstreams: A }).addNode(C, { upstreams: B });
      expect(wf.validate()).toEqual([{ code: "cycle", path: ["nodes"], tasks: ["A", "B", "C"], message: "cycle: A -> B -> C -> A" }]);
    });

    it("starts the cycle at the earliest-added task", () => {
      const A = taskClass("A");
      const B = taskClass("B");
      const C = taskClass("C");
      const wf = workflow().addNode(C, { upstreams: B }).addNode(A, { upstreams: C }).addNode(B, { upstreams: A });
      expect(wf.validate().map((i) => i.message)).toEqual(["cycle: C -> A -> B -> C"]);
    });

    it("reports a task that is its own upstream", () => {
      const wf = workflow().addNode(Extract, { upstreams: Extract });
      expect(wf.validate()).toEqual([
        { code: "cycle", path: ["nodes"], tasks: ["Extract"], message: "cycle: Extract -> Extract" },
      ]);
    });

    it("reports separate cycles separately, and not the tasks downstream of them", () => {
      const [A, B, C, D, E] = ["A", "B", "C", "D", "E"].map(taskClass) as [TaskClass, TaskClass, TaskClass, TaskClass, TaskClass];
      const wf = workflow()
        .addNode(A, { upstreams: B })
        .addNode(B, { upstreams: A })
        .addNode(C, { upstreams: [A, D] })
        .addNode(D, { upstreams: C })
        .addNode(E, { upstreams: D });
      expect(only(wf, "cycle").map((i) => i.message)).toEqual(["cycle: A -> B -> A", "cycle: C -> D -> C"]);
    });

    it("makes ordering, rendering and hashing throw", () => {
      const wf = workflow().addNode(Extract, { upstreams: Extract });
      expect(() => wf.topologicalOrder()).toThrow(WorkflowValidationError);
      expect(() => wf.orderIndexes()).toThrow(WorkflowValidationError);
      expect(() => wf.toMermaid()).toThrow(WorkflowValidationError);
      expect(() => wf.toDot()).toThrow(WorkflowValidationError);
      expect(() => wf.dagHash()).toThrow(WorkflowValidationError);
    });
  });

  describe("params", () => {
    it("rejects params that are not a zod object schema", () => {
      for (const params of [z.string(), {}, z.array(z.string())]) {
        const wf = workflow({ params: params as unknown as ParamsSchema }).addNode(Extract);
        expect(wf.validate()).toEqual([
          { code: "invalid-params-schema", path: ["params"], tasks: [], message: expect.stringContaining("zod object") },
        ]);
      }
    });

    it("rejects a default that fails its own schema", () => {
      const wf = workflow({ params: z.object({ n: z.number().min(1).default(0) }) }).addNode(Extract);
      const issues = wf.validate();
      expect(issues).toHaveLength(1);
      expect(issues[0]).toMatchObject({ code: "invalid-params-default", path: ["params", "n"], tasks: [] });
      expect(issues[0]!.message).toContain('"n"');
    });

    it("accepts a good params schema", () => {
      const params = z.object({ n: z.number().min(1).default(1), date: z.string() });
      expect(workflow({ params }).addNode(Extract).validate()).toEqual([]);
    });
  });

  describe("a workflow with many problems", () => {
    const A = taskClass("A");
    const B = taskClass("B");
    const C = taskClass("C");
    const build = () =>
      new Workflow({
        category: "my etl",
        version: "v1",
        params: z.object({ n: z.number().min(1).default(0) }),
      })
        .addNode(A, { upstreams: C })
        .addNode(B, { upstreams: A })
        .addNode(C, { upstreams: B })
        .addNode(A)
        .addNode(Load, { upstreams: Extrct, retries: -1 })
        .addNode(Extract)
        .addNode(bogus({}))
        .addNode(Bad$Task);

    it("reports every problem, not only the first", () => {
      const issues = build().validate();
      const expected: [ValidationCode, (string | number)[], string[]][] = [
        ["invalid-name", ["category"], []],
        ["invalid-version", ["version"], []],
        ["duplicate-task", ["nodes", 3], ["A"]],
        ["not-a-task", ["nodes", 6], []],
        ["invalid-task-name", ["nodes", 7], ["Bad$Task"]],
        ["unknown-upstream", ["nodes", 4, "upstreams", 0], ["Load", "Extrct"]],
        ["invalid-node-option", ["nodes", 4, "retries"], ["Load"]],
        ["cycle", ["nodes"], ["A", "B", "C"]],
        ["invalid-params-default", ["params", "n"], []],
      ];
      expect(issues.map((i) => [i.code, i.path, i.tasks])).toEqual(expected);
      for (const issue of issues) {
        expect(VALIDATION_CODES).toContain(issue.code);
        expect(issue.message.length).toBeGreaterThan(0);
      }
      expect(issues.find((i) => i.code === "cycle")!.message).toBe("cycle: A -> B -> C -> A");
      expect(issues.find((i) => i.code === "unknown-upstream")!.message).toContain('did you mean "Extract"?');
    });

    it("throws them all from assertValid, listed in the message", () => {
      const wf = build();
      const error = validationError(wf);
      expect(error).toBeInstanceOf(WfkitError);
      expect(error.name).toBe("WorkflowValidationError");
      expect(error.workflow).toBe(wf.dagId);
      expect(error.issues).toEqual(wf.validate());
      expect(error.issues).toHaveLength(9);
      expect(error.message).toContain("(9 problems)");
      for (const issue of error.issues) expect(error.message).toContain(`[${issue.code}] ${issue.message}`);
    });
  });

  it("has a check behind every validation code", () => {
    const seen = new Set<ValidationCode>();
    const add = (wf: Workflow) => wf.validate().forEach((i) => seen.add(i.code));
    add(new Workflow({ category: "etl" } as WorkflowOptions));
    add(workflow({ category: "bad name", version: "1.0" }));
    add(workflow({ category: "x".repeat(101), tags: ["t".repeat(101)] }));
    add(
      workflow({ params: z.string() as unknown as ParamsSchema })
        .addNode(bogus(1))
        .addNode(Bad$Task)
        .addNode(Extract, { upstreams: Extract, queue: "" })
        .addNode(Extract)
        .addNode(Load, { upstreams: Transform }),
    );
    add(workflow({ params: z.object({ n: z.number().min(1).default(0) }) }).addNode(Extract));
    // Declared catalog data (declared-data.test.ts has each rule in full).
    const Writes = Object.assign(taskClass("Writes"), { outputs: ["x"] });
    const AlsoWrites = Object.assign(taskClass("AlsoWrites"), { outputs: ["x"] });
    const Reads = Object.assign(taskClass("Reads"), { inputs: ["y"] });
    const Declares = Object.assign(taskClass("Declares"), { inputs: "y" });
    add(workflow().addNode(Writes).addNode(AlsoWrites).addNode(Reads, { upstreams: Writes }).addNode(Declares));
    // Declared sources and targets (test/unit/run/audit-run.test.ts has the rule through a run).
    add(workflow().addNode(Object.assign(taskClass("BadSource"), { sources: [{ name: "" }] })));
    // Schedules (test/unit/workflow/schedule.test.ts has each rule).
    add(workflow({ schedule: "every tuesday" }).addNode(Extract));
    add(workflow({ schedule: "@daily", params: z.object({ day: z.string() }) }).addNode(Extract));
    // duplicate-dag-id is about several workflows: `wf validate` checks it across its inputs
    // (test/unit/build-utils/validate-files.test.ts).
    seen.add("duplicate-dag-id");
    // module-not-packed is about the package a workflow ships in: discovery checks it against
    // `npm pack` (test/unit/build-utils/discover/).
    seen.add("module-not-packed");
    expect([...seen].sort()).toEqual([...VALIDATION_CODES].sort());
  });
});

describe("topologicalOrder", () => {
  it("orders a diamond, ties broken by insertion order", () => {
    const [A, B, C, D] = ["A", "B", "C", "D"].map(taskClass) as [TaskClass, TaskClass, TaskClass, TaskClass];
    const wf = workflow()
      .addNode(A)
      .addNode(C, { upstreams: A })
      .addNode(B, { upstreams: A })
      .addNode(D, { upstreams: [B, C] });
    expect(wf.topologicalOrder().map((n) => n.name)).toEqual(["A", "C", "B", "D"]);
    expect(wf.orderIndexes()).toEqual([0, 1, 2, 3]);
  });

  it("follows insertion order, not alphabetical order", () => {
    const wf = workflow().addNode(Transform).addNode(Load).addNode(Extract, { upstreams: Load });
    expect(wf.topologicalOrder().map((n) => n.name)).toEqual(["Transform", "Load", "Extract"]);
  });

  it("puts a task after its upstreams even when it was added first", () => {
    const wf = workflow()
      .addNode(Load, { upstreams: Transform })
      .addNode(Transform, { upstreams: Extract })
      .addNode(Extract);
    expect(wf.topologicalOrder().map((n) => n.name)).toEqual(["Extract", "Transform", "Load"]);
    expect(wf.orderIndexes()).toEqual([2, 1, 0]);
  });

  it("handles a chain of 10,000 tasks", () => {
    const n = 10_000;
    const classes = Array.from({ length: n }, (_, i) => taskClass(`T${i}`));
    const wf = workflow();
    classes.forEach((cls, i) => wf.addNode(cls, i === 0 ? {} : { upstreams: classes[i - 1]! }));
    expect(wf.validate()).toEqual([]);
    const order = wf.topologicalOrder();
    expect(order).toHaveLength(n);
    expect(order[0]!.name).toBe("T0");
    expect(order[n - 1]!.name).toBe(`T${n - 1}`);
  });

  it("handles a fan-out of 10,000 tasks and a fan-in back", () => {
    const n = 10_000;
    const Root = taskClass("Root");
    const middle = Array.from({ length: n }, (_, i) => taskClass(`M${i}`));
    const wf = workflow().addNode(taskClass("Sink"), { upstreams: middle }).addNode(Root);
    for (const cls of middle) wf.addNode(cls, { upstreams: Root });
    expect(wf.validate()).toEqual([]);
    const order = wf.topologicalOrder().map((node) => node.name);
    expect(order).toHaveLength(n + 2);
    expect(order[0]).toBe("Root");
    expect(order[1]).toBe("M0");
    expect(order[n + 1]).toBe("Sink");
  });

  it("handles a cycle through 10,000 tasks", () => {
    const n = 10_000;
    const classes = Array.from({ length: n }, (_, i) => taskClass(`T${i}`));
    const wf = workflow();
    classes.forEach((cls, i) => wf.addNode(cls, { upstreams: classes[(i + n - 1) % n]! }));
    const issues = wf.validate();
    expect(issues.map((i) => i.code)).toEqual(["cycle"]);
    expect(issues[0]!.tasks).toHaveLength(n);
    expect(issues[0]!.message.startsWith("cycle: T0 -> T1 -> ")).toBe(true);
  });
});

describe("rendering", () => {
  const wf = workflow()
    .addNode(Extract)
    .addNode(Transform, { upstreams: Extract })
    .addNode(Load, { upstreams: [Extract, Transform] });

  it("renders every task and edge as Mermaid", () => {
    const text = wf.toMermaid();
    expect(text.startsWith("flowchart TD\n")).toBe(true);
    for (const [i, name] of ["Extract", "Transform", "Load"].entries()) expect(text).toContain(`t${i}["${name}"]`);
    for (const edge of ["t0 --> t1", "t0 --> t2", "t1 --> t2"]) expect(text).toContain(edge);
    expect(text.match(/-->/g)).toHaveLength(3);
  });

  it("renders every task and edge as DOT, titled with the dag id", () => {
    const text = wf.toDot();
    expect(text.startsWith('digraph "csv_to_db_etl_1.0.0" {')).toBe(true);
    for (const name of ["Extract", "Transform", "Load"]) expect(text).toContain(`  "${name}";`);
    for (const edge of ['"Extract" -> "Transform"', '"Extract" -> "Load"', '"Transform" -> "Load"']) {
      expect(text).toContain(edge);
    }
    expect(text.match(/->/g)).toHaveLength(3);
  });
});
