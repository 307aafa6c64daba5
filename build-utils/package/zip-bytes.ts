import { ZipArchive } from "archiver";
import { PackageConfigError } from "./errors.js";

/** One entry of a zip. */
export interface ZipEntry {
  name: string;
  data: Uint8Array;
}

/**
 * A zip of `entries`, in the order given, every entry with the same `date` and mode 0644, so
 * that equal entries give equal bytes (with the same zlib, i.e. the same Node.js).
 */
export async function zipBytes(entries: readonly ZipEntry[], date: Date): Promise<Buffer> {
  const archive = new ZipArchive({ zlib: { level: 9 } });
  const chunks: Buffer[] = [];
  const finished = new Promise<void>((resolve, reject) => {
    archive.on("data", (chunk: Buffer) => chunks.push(chunk));
    archive.on("end", () => resolve());
    archive.on("error", reject);
    archive.on("warning", reject);
  });
  for (const entry of entries) archive.append(Buffer.from(entry.data), { name: entry.name, date, mode: 0o644 });
  await Promise.all([archive.finalize(), finished]);
  return Buffer.concat(chunks);
}

/** 1980-01-01T00:00:00Z, the earliest zip date, or SOURCE_DATE_EPOCH (seconds) when set. */
export function entryDate(env: NodeJS.ProcessEnv = process.env): Date {
  const epoch = env["SOURCE_DATE_EPOCH"];
  if (epoch === undefined || epoch === "") return new Date(Date.UTC(1980, 0, 1));
  if (!/^\d+$/.test(epoch)) throw new PackageConfigError(`SOURCE_DATE_EPOCH=${epoch} is not a number of seconds since 1970; fix or unset it`);
  return new Date(Math.max(Number(epoch) * 1000, Date.UTC(1980, 0, 1)));
}
