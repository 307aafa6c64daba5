import picomatch from "picomatch";

/**
 * The globs of `wfkit.workflows` in package.json, over POSIX paths relative to the package root.
 *
 * Matching is picomatch's (a maintained, widely used matcher — the one under tinyglobby, vitest and
 * dependency-cruiser — rather than a hand-written glob → RegExp compiler): `*` and `?` within one
 * path segment, `**` for any number of segments, `{a,b}` alternatives and `[abc]` / `[!abc]`
 * classes; `\` escapes the next character. As in shells, wildcards do not match a leading `.` of
 * a name unless the pattern spells it. A leading `!` excludes what the rest of the pattern matches.
 *
 * What wfkit adds on top: a pattern must be non-empty and relative, must not leave the package
 * root, and a malformed one (an unclosed `{` or `[`, a stray `]`) is refused with an error naming
 * it and saying how to fix it, instead of silently matching nothing.
 */
export interface GlobPattern {
  /** The pattern as written. */
  source: string;
  /** Whether it excludes (`!pattern`). */
  negated: boolean;
  test(relativePath: string): boolean;
}

/** Every picomatch option that changes what matches, set deliberately rather than left to defaults. */
const OPTIONS: picomatch.PicomatchOptions = {
  // Paths come from walkFiles, POSIX and relative to the root: `/` is the only separator, on
  // every OS (picomatch otherwise also accepts `\` when it runs on Windows).
  windows: false,
  // Wildcards skip names starting with "." (hidden files and directories) unless spelled out.
  dot: false,
  // Case-sensitive, as file names are on Linux (where workflows are deployed).
  nocase: false,
  // `!` is wfkit's exclusion (handled here, across patterns), not picomatch's per-pattern negation.
  nonegate: true,
  // No extglobs (`+(a|b)`, `@(x)`…): parentheses, `+` and `@` are ordinary characters of a name.
  noextglob: true,
  // `[!abc]` is a negated class only with this option in picomatch ≤ 4.0.7 (without it, the `!`
  // is a member of the class: micromatch/picomatch#187); it also enables `[[:alpha:]]` classes.
  posix: true,
  // Throw on an unclosed `{`/`[` (and a stray `]`) instead of reading it literally.
  strictBrackets: true,
};

/** Compile one pattern; throws a plain Error with the reason when it is malformed. */
export function compileGlob(pattern: string): GlobPattern {
  const negated = pattern.startsWith("!");
  let body = negated ? pattern.slice(1) : pattern;
  while (body.startsWith("./")) body = body.slice(2);
  if (body === "" || body.startsWith("/")) throw new Error(`"${pattern}" must be a non-empty path relative to the package root`);
  const segments = body.split("/").filter((s) => s !== "");
  if (segments.includes("..")) throw new Error(`"${pattern}" must not leave the package root (no "..")`);
  // Parentheses mean nothing without extglobs, but strictBrackets would still require them to
  // pair up: escape the unescaped ones so that `a(1.ts` stays a plain name.
  const glob = segments.join("/").replace(/\\.|[()]/g, (m) => (m.length === 2 ? m : `\\${m}`));
  let test: GlobPattern["test"];
  try {
    test = picomatch(glob, OPTIONS);
  } catch (error) {
    throw new Error(malformed(pattern, error), { cause: error });
  }
  return { source: pattern, negated, test };
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

const PAIRS: Record<string, string> = { "{": "}", "}": "{", "[": "]", "]": "[" };

/** picomatch's strictBrackets SyntaxError ("Missing closing: "}" - …"), said in wfkit's terms. */
function malformed(pattern: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const missing = /^Missing (opening|closing): "(.)"/.exec(message);
  if (missing?.[1] === "closing") {
    const open = PAIRS[missing[2]!] ?? missing[2]!;
    return `"${pattern}" has an unclosed "${open}"; close it with "${missing[2]}", or write "\\${open}" for a literal "${open}"`;
  }
  if (missing?.[1] === "opening") {
    const close = PAIRS[missing[2]!] ?? missing[2]!;
    return `"${pattern}" has a "${close}" without an opening "${missing[2]}"; write "\\${close}" for a literal "${close}"`;
  }
  return `"${pattern}" is not a valid glob (${message})`;
}
