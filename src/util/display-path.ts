import path from "node:path";

/** `file` relative to `cwd` when it is inside it, else absolute: the shortest unambiguous form. */
export function displayPath(cwd: string, file: string): string {
  const relative = path.relative(cwd, file);
  return relative === "" || relative.startsWith("..") || path.isAbsolute(relative) ? file : relative;
}
