import yauzl from "yauzl";

/** One entry of a zip as read back. */
export interface ReadEntry {
  name: string;
  data: Buffer;
  entry: yauzl.Entry;
}

/** Every entry of the zip at `file`, in archive order, with its bytes. */
export function readZip(file: string): Promise<ReadEntry[]> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (error, zip) => {
      if (error !== null) return reject(error);
      const entries: ReadEntry[] = [];
      zip.on("error", reject);
      zip.on("end", () => resolve(entries));
      zip.on("entry", (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError !== null) return reject(streamError);
          const chunks: Buffer[] = [];
          stream.on("data", (chunk: Buffer) => chunks.push(chunk));
          stream.on("error", reject);
          stream.on("end", () => {
            entries.push({ name: entry.fileName, data: Buffer.concat(chunks), entry });
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}
