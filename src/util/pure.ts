/**
 * `make()`, declared free of side effects: a module-level value built with it (a zod schema, a
 * record of schema fields) is left out of a bundle that never uses it. `wf install` compiles a
 * workflow module with wfkit into one bundle, and a task start then builds only the schemas it
 * needs (zod's constructions cost most of wfkit's start-up). A marked call (`@__PURE__`) would
 * not do: esbuild keeps a call whose arguments spread an object, and inlines an IIFE, mark and all.
 */
/* @__NO_SIDE_EFFECTS__ */
export function pure<T>(make: () => T): T {
  return make();
}
