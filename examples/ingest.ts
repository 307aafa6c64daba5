/**
 * Progress tracking: a scan, two parallel branches with nested trackers and metrics, and a join.
 *
 *   Scan -> (Parse, Checksum) -> Publish
 *
 *   npx wf run examples/ingest.ts                          # live bars in a terminal
 *   npx wf run examples/ingest.ts 2>&1 | tee ingest.log    # progress log lines instead
 *   npx wf run examples/ingest.ts --param files=20 --param paceMs=50
 *
 * The files are made up (so the example needs nothing), but the tracking is what a real task
 * does: a total that grows as work is discovered, one sub-tracker per file, `advance()` per
 * row, and metrics that add up to the task and the run.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import { TaskBase, Workflow } from "wfkit";

export const ingestParams = z.object({
  files: z.number().int().min(1).max(1000).default(6).describe("How many files to make up"),
  rowsPerFile: z.number().int().min(1).default(4000).describe("Rows in each file"),
  batch: z.number().int().min(1).default(200).describe("Rows handled between pauses"),
  paceMs: z.number().min(0).default(15).describe("Pause after each batch, standing in for I/O"),
});
type IngestParams = z.infer<typeof ingestParams>;

const fileName = (i: number) => `part-${String(i).padStart(4, "0")}.csv`;

/** A made-up row: its size in bytes, and whether it is malformed (about 1 in 97). */
function row(file: number, line: number): { bytes: number; bad: boolean } {
  const seed = (file * 7919 + line * 104729) % 9973;
  return { bytes: 40 + (seed % 60), bad: seed % 97 === 0 };
}

export class Scan extends TaskBase<IngestParams> {
  static override description = "List the files to ingest";

  async run(): Promise<void> {
    // The total is not known up front: each listing page adds to it.
    const listing = this.progress.child("listing", undefined, { unit: "files" });
    for (let found = 0; found < this.params.files; ) {
      const page = Math.min(3, this.params.files - found);
      listing.add(page);
      await sleep(this.params.paceMs * 4, undefined, { signal: this.signal });
      listing.advance(page);
      found += page;
    }
    this.logger.info(`found ${this.params.files} files`);
  }
}

export class Parse extends TaskBase<IngestParams> {
  static override description = "Parse every row of every file";

  async run(): Promise<void> {
    const { files, rowsPerFile, batch, paceMs } = this.params;
    const all = this.progress.child("files", files, { unit: "files" });
    for (let f = 0; f < files; f++) {
      const rows = all.child(fileName(f), rowsPerFile, { unit: "rows" });
      for (let line = 0; line < rowsPerFile; line++) {
        const { bytes, bad } = row(f, line);
        rows.advance();
        rows.metric("bytes", bytes);
        rows.metric(bad ? "rejected" : "records", 1);
        if ((line + 1) % batch === 0) await sleep(paceMs, undefined, { signal: this.signal });
      }
      rows.done();
      all.advance();
      this.logger.info(`parsed ${fileName(f)}`, { rows: rowsPerFile });
    }
  }
}

export class Checksum extends TaskBase<IngestParams> {
  static override description = "Checksum the files, byte by byte";

  async run(): Promise<void> {
    const { files, rowsPerFile, batch, paceMs } = this.params;
    // Counted in bytes, with the total growing file by file.
    const bytes = this.progress.child("bytes", undefined, { unit: "B" });
    for (let f = 0; f < files; f++) {
      let size = 0;
      for (let line = 0; line < rowsPerFile; line++) size += row(f, line).bytes;
      bytes.add(size);
      for (let line = 0; line < rowsPerFile; line += batch * 2) {
        let chunk = 0;
        for (let l = line; l < Math.min(rowsPerFile, line + batch * 2); l++) chunk += row(f, l).bytes;
        bytes.advance(chunk);
        await sleep(paceMs, undefined, { signal: this.signal });
      }
      bytes.metric("checksummed", 1);
    }
    this.logger.info(`checksummed ${files} files`);
  }
}

export class Publish extends TaskBase<IngestParams> {
  static override description = "Publish the parsed files";

  async run(): Promise<void> {
    const out = this.progress.child("upload", this.params.files, { unit: "files" });
    for (let f = 0; f < this.params.files; f++) {
      await sleep(this.params.paceMs * 2, undefined, { signal: this.signal });
      out.advance();
    }
    this.logger.info("published");
  }
}

export const ingest = new Workflow({
  category: "ingest",
  inputData: "files",
  outputData: "records",
  version: "1.0.0",
  description: "Scan, parse and checksum in parallel, publish: nested progress with metrics",
  tags: ["example"],
  params: ingestParams,
});
ingest.addNode(Scan);
ingest.addNode(Parse, { upstreams: Scan });
ingest.addNode(Checksum, { upstreams: Scan });
ingest.addNode(Publish, { upstreams: [Parse, Checksum] });

export default ingest;
