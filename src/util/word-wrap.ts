/** Word-wrap one line to `width` columns (a word longer than that is cut); indentation is kept. */
export function wrap(line: string, width: number): string[] {
  const indent = /^ */.exec(line)![0];
  if (line.length <= width) return [line];
  if (indent !== "") return wrap(line.slice(indent.length), Math.max(10, width - indent.length)).map((l) => indent + l);
  const out: string[] = [];
  let current = "";
  for (const word of line.split(" ")) {
    for (let piece = word; ; piece = piece.slice(width)) {
      const candidate = current === "" ? piece.slice(0, width) : `${current} ${piece}`;
      if (candidate.length <= width) {
        current = candidate;
        if (piece.length <= width) break;
        continue;
      }
      out.push(current);
      current = piece.slice(0, width);
      if (piece.length <= width) break;
    }
  }
  out.push(current);
  return out;
}

/** Text width inside a box on a terminal of `columns` (unknown or tiny: 96; at most 116). */
export function boxWidth(columns: number | undefined): number {
  return columns !== undefined && columns >= 44 ? Math.min(columns - 4, 116) : 96;
}
