// Files the tests write on the fly.
import { mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

/** `text` in a new temp folder, under `name`; returns the file's path. */
export async function tempFile(text: string, name = "t.hbs"): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "wfkit-test-"));
  const file = path.join(dir, name);
  await writeFile(file, text);
  return file;
}
