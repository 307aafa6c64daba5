/**
 * Towncrier-style changelog: every change adds `changelog.d/<id>.<type>.md` (type: feature,
 * bugfix, doc, removal, misc); a release renders them into CHANGELOG.md.
 *
 *   npm run changelog -- --check                    fragments are well named and non-empty (CI)
 *   npm run changelog -- --draft                    print the next section
 *   npm run changelog -- --version 0.2.0 [--date D] prepend the section, delete the fragments
 *   --root DIR                                      work on DIR/changelog.d and DIR/CHANGELOG.md (tests)
 *
 * Written here rather than taken from towncrier (Python) so that the npm package's own
 * release needs no Python toolchain; the format is towncrier's.
 */
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const TYPES = { feature: "Features", bugfix: "Bug fixes", doc: "Documentation", removal: "Removals and deprecations", misc: "Miscellaneous" } as const;
type FragmentType = keyof typeof TYPES;

const rootAt = process.argv.indexOf("--root");
const root = rootAt >= 0 ? process.argv[rootAt + 1]! : fileURLToPath(new URL("../..", import.meta.url));
const dir = path.join(root, "changelog.d");
const changelogPath = path.join(root, "CHANGELOG.md");
const FRAGMENT = /^([A-Za-z0-9_-]+)\.(feature|bugfix|doc|removal|misc)\.md$/;
const MARKER = "<!-- release notes start -->";

interface Fragment {
  file: string;
  id: string;
  type: FragmentType;
  text: string;
}

function readFragments(): { fragments: Fragment[]; problems: string[] } {
  const fragments: Fragment[] = [];
  const problems: string[] = [];
  for (const file of readdirSync(dir).sort()) {
    if (file === "README.md" || file === ".gitkeep") continue;
    const match = FRAGMENT.exec(file);
    if (!match) {
      problems.push(`changelog.d/${file}: name it <id>.<type>.md with type one of ${Object.keys(TYPES).join(", ")}`);
      continue;
    }
    const text = readFileSync(path.join(dir, file), "utf8").trim();
    if (text === "") problems.push(`changelog.d/${file} is empty`);
    fragments.push({ file, id: match[1]!, type: match[2] as FragmentType, text });
  }
  return { fragments, problems };
}

function renderSection(version: string, date: string, fragments: Fragment[]): string {
  const lines = [`## ${version} (${date})`, ""];
  for (const [type, title] of Object.entries(TYPES)) {
    const ofType = fragments.filter((f) => f.type === type);
    if (ofType.length === 0) continue;
    lines.push(`### ${title}`, "");
    for (const f of ofType) lines.push(`- ${f.text.replace(/\n/g, "\n  ")} (${f.id})`);
    lines.push("");
  }
  return lines.join("\n");
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const { fragments, problems } = readFragments();
if (problems.length > 0) {
  console.error(problems.join("\n"));
  process.exit(1);
}
if (process.argv.includes("--check")) {
  console.log(`changelog.d: ${fragments.length} fragment(s), all well formed.`);
} else if (process.argv.includes("--draft")) {
  process.stdout.write(renderSection("Unreleased", new Date().toISOString().slice(0, 10), fragments));
} else {
  const version = arg("--version");
  if (!version) {
    console.error("usage: npm run changelog -- --version X.Y.Z [--date YYYY-MM-DD] | --draft | --check");
    process.exit(2);
  }
  if (fragments.length === 0) {
    console.error("changelog.d has no fragments: nothing to release.");
    process.exit(1);
  }
  const changelog = readFileSync(changelogPath, "utf8");
  const at = changelog.indexOf(MARKER);
  if (at < 0) {
    console.error(`CHANGELOG.md has no "${MARKER}" line.`);
    process.exit(2);
  }
  const section = renderSection(version, arg("--date") ?? new Date().toISOString().slice(0, 10), fragments);
  const cut = at + MARKER.length;
  writeFileSync(changelogPath, `${changelog.slice(0, cut)}\n\n${section}${changelog.slice(cut).replace(/^\n+/, "\n")}`);
  for (const f of fragments) rmSync(path.join(dir, f.file));
  console.log(`CHANGELOG.md: added ${version} from ${fragments.length} fragment(s).`);
}
