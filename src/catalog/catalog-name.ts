import * as z from "zod";
import { CatalogNameError } from "./errors.js";
import { pure } from "../util/pure.js";

/**
 * A catalog name: what a task puts data under and a downstream task gets it by. It becomes a
 * folder name in the file store and a key in an object store, so it holds no separator and
 * cannot climb out of its run's catalog.
 */
export const CatalogNameSchema = /* @__PURE__ */ pure(() => z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/,
    "a catalog name is 1-128 characters: ASCII letters, digits, '_', '.', '-', starting with a letter or digit (no '/', no '..')",
  )
  .refine((name) => !name.includes(".."), "a catalog name cannot hold '..'"));

/** `name` when it is a usable catalog name, else a CatalogNameError that names it and says why. */
export function checkCatalogName(name: unknown, task: string): string {
  const check = CatalogNameSchema.safeParse(name);
  if (!check.success) {
    throw new CatalogNameError(`task ${task}: catalog name ${JSON.stringify(name)} cannot be used: ${check.error.issues[0]!.message}; choose another, e.g. "orders" or "report.csv"`);
  }
  return check.data;
}
