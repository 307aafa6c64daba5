import { TaskBase, type TaskClass } from "wfkit";
import { noopTaskClassOf } from "./noop.js";

export { forAwaitFloor, noop, noopCalls } from "./noop.js";

/** A distinct TaskBase subclass named `name` (task name = class name, unique per workflow) whose run() is `noop`. */
export function noopTaskClass(name: string): TaskClass {
  return noopTaskClassOf(TaskBase, name) as unknown as TaskClass;
}
