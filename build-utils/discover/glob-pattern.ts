/**
 * A small glob matcher for `wfkit.workflows` in package.json, over POSIX paths relative to the
 * package root: `*` and `?` within one path segment, `**` for any number of segments, `{a,b}`
 * alternatives and `[abc]` / `[!abc]` classes. As in shells, wildcards do not match a leading
 * `.` of a name unless the pattern spells it. A leading `!` excludes what the pattern matches.
 */
export interface GlobPattern {
  /** The pattern as written. */
  source: string;
  /** Whether it excludes (`!pattern`). */
  negated: boolean;
  test(relativePath: string): boolean;
}

/** Compile one pattern; throws a plain Error with the reason when it is malformed. */
export function compileGlob(pattern: string): GlobPattern {
  const negated = pattern.startsWith("!");
  let body = negated ? pattern.slice(1) : pattern;
  while (body.startsWith("./")) body = body.slice(2);
  if (body === "" || body.startsWith("/")) throw new Error(`"${pattern}" must be a non-empty path relative to the package root`);
  if (body.split("/").includes("..")) throw new Error(`"${pattern}" must not leave the package root (no "..")`);
  const segments = body.split("/").filter((s) => s !== "");
  let source = "^";
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1;
    if (segment === "**") {
      source += last ? "(?:(?!\\.)[^/]*(?:/(?!\\.)[^/]*)*)" : "(?:(?!\\.)[^/]+/)*";
    } else {
      source += segmentSource(segment, pattern) + (last ? "" : "/");
    }
  });
  const regex = new RegExp(`${source}$`);
  return { source: pattern, negated, test: (p) => regex.test(p) };
}

/** Whether `relativePath` matches the patterns: some positive one and no negated one. */
export function matchesGlobs(patterns: readonly GlobPattern[], relativePath: string): boolean {
  let included = false;
  for (const p of patterns) {
    if (p.negated) {
      if (p.test(relativePath)) return false;
    } else if (!included && p.test(relativePath)) {
      included = true;
    }
  }
  return included;
}

function segmentSource(segment: string, pattern: string): string {
  let out = segment.startsWith(".") ? "" : "(?!\\.)";
  let braces = 0;
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]!;
    if (c === "*") out += "[^/]*";
    else if (c === "?") out += "[^/]";
    else if (c === "{") {
      braces++;
      out += "(?:";
    } else if (c === "}" && braces > 0) {
      braces--;
      out += ")";
    } else if (c === "," && braces > 0) out += "|";
    else if (c === "[") {
      const end = segment.indexOf("]", i + 2);
      if (end === -1) throw new Error(`"${pattern}" has an unclosed "["; close it with "]"`);
      let cls = segment.slice(i + 1, end);
      const negate = cls.startsWith("!") || cls.startsWith("^");
      if (negate) cls = cls.slice(1);
      out += `[${negate ? "^/" : ""}${cls.replace(/[\\\]]/g, "\\$&")}]`;
      i = end;
    } else out += c.replace(/[.+^$()|\\\]{}]/g, "\\$&");
  }
  if (braces > 0) throw new Error(`"${pattern}" has an unclosed "{"; close it with "}"`);
  return out;
}
