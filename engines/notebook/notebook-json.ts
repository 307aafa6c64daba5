// Every object here is built with its keys in sorted order, as Jupyter writes them (json.dumps
// with sort_keys): serializing needs no sorting pass, which was a third of a notebook's render.

/** The kernel the notebooks are written for: tslab, a TypeScript kernel for Jupyter from npm. */
export const KERNELSPEC = Object.freeze({ display_name: "TypeScript", language: "typescript", name: "tslab" });

/** What editors need to highlight the cells before a kernel has run (the kernel refreshes it). */
const LANGUAGE_INFO = Object.freeze({
  codemirror_mode: { mode: "typescript", name: "javascript", typescript: true },
  file_extension: ".ts",
  mimetype: "text/typescript",
  name: "typescript",
});

/** One cell before it becomes nbformat JSON. */
export interface CellSpec {
  kind: "markdown" | "code";
  /** nbformat 4.5 cell id: 1–64 of `[A-Za-z0-9_-]`, unique in the notebook. */
  id: string;
  source: string;
  tags?: readonly string[];
  /** Goes to the cell's `metadata.wfkit`, e.g. `{ task: "Extract" }`. */
  wfkit?: Readonly<Record<string, string>>;
}

const CELL_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** An nbformat 4.5 notebook for the tslab kernel. `wfkitMetadata`'s keys must be sorted. */
export function buildNotebook(cells: readonly CellSpec[], wfkitMetadata: Readonly<Record<string, unknown>>): object {
  const ids = new Set<string>();
  for (const cell of cells) {
    if (!CELL_ID.test(cell.id) || ids.has(cell.id)) throw new Error(`notebook cell id ${JSON.stringify(cell.id)} is malformed or used twice; the renderer makes these ids, so this is a bug in wfkit: please report it`);
    ids.add(cell.id);
  }
  return {
    cells: cells.map((cell) => {
      const metadata: Record<string, unknown> = {};
      if (cell.tags !== undefined) metadata["tags"] = [...cell.tags];
      if (cell.wfkit !== undefined) metadata["wfkit"] = { ...cell.wfkit };
      const source = sourceLines(cell.source);
      return cell.kind === "code"
        ? { cell_type: cell.kind, execution_count: null, id: cell.id, metadata, outputs: [], source }
        : { cell_type: cell.kind, id: cell.id, metadata, source };
    }),
    metadata: { kernelspec: { ...KERNELSPEC }, language_info: structuredClone(LANGUAGE_INFO), wfkit: wfkitMetadata },
    nbformat: 4,
    nbformat_minor: 5,
  };
}

/** nbformat's multi-line string: one entry per line, each but the last ending in "\n". */
function sourceLines(text: string): string[] {
  const trimmed = text.replace(/\n+$/, "");
  if (trimmed === "") return [];
  const lines = trimmed.split("\n");
  return lines.map((line, i) => (i < lines.length - 1 ? `${line}\n` : line));
}

/**
 * The notebook as Jupyter itself writes it (sorted keys, one-space indent, non-ASCII kept,
 * trailing newline), so that opening and saving it in Jupyter changes nothing but outputs.
 */
export function serializeNotebook(notebook: object): string {
  return `${JSON.stringify(notebook, null, 1)}\n`;
}
