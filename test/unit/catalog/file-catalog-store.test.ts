import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { checkCatalogName } from "../../../src/catalog/catalog-name.js";
import { FileCatalogStore } from "../../../src/catalog/file-catalog-store.js";
import { CatalogNameError, CatalogSourceError } from "../../../src/catalog/errors.js";

const temp = (prefix: string) => mkdtempSync(path.join(tmpdir(), `wfkit-${prefix}-`));
const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");

describe("checkCatalogName", () => {
  it("takes names that are safe as a folder name and a key", () => {
    for (const name of ["orders", "report.csv", "a", "2026-12-04_rows", "A.b-c_d"]) expect(checkCatalogName(name, "T")).toBe(name);
  });

  it("refuses separators, '..', hidden names, empty and overlong names, naming the task and the name", () => {
    for (const name of ["", "../etc", "a/b", "a\\b", "..", "a..b", ".hidden", "-x", "x".repeat(129), "a b", "naïve", 7]) {
      expect(() => checkCatalogName(name, "Load"), String(name)).toThrow(CatalogNameError);
    }
    expect(() => checkCatalogName("../etc", "Load")).toThrow(/^task Load: catalog name "\.\.\/etc" cannot be used: .*choose another/);
  });
});

describe("FileCatalogStore", () => {
  it("copies a file (streamed), hashing it, read-only, and finds it again; a later change to the source changes nothing", async () => {
    const store = new FileCatalogStore(path.join(temp("cat"), "catalog"));
    const source = path.join(temp("src"), "orders.csv");
    // Larger than one read (1 MiB) and not a multiple of it: the digest covers every piece.
    const bytes = Buffer.alloc(3 * 1024 * 1024 + 17, "x");
    bytes.write("id,amount\n");
    writeFileSync(source, bytes);
    const entry = await store.putPath("orders", source);
    expect(entry).toEqual({ name: "orders", form: "file", location: path.join(store.root, "orders"), sha256: sha256(bytes), size: bytes.length });
    expect(statSync(entry.location).mode & 0o222).toBe(0);
    writeFileSync(source, "changed");
    expect(readFileSync(await store.localPath((await store.find("orders"))!))).toEqual(bytes);
  });

  it("copies a folder with its subfolders; its sha256 is its manifest's, the same for the same files", async () => {
    const make = () => {
      const dir = temp("folder");
      mkdirSync(path.join(dir, "b", "c"), { recursive: true });
      writeFileSync(path.join(dir, "a.txt"), "A");
      writeFileSync(path.join(dir, "b", "c", "d.txt"), "DD");
      return dir;
    };
    const store = new FileCatalogStore(path.join(temp("cat"), "catalog"));
    const one = await store.putPath("images", make());
    const two = await store.putPath("images2", make());
    const manifest = `a.txt\0${sha256("A")}\x001\nb/c/d.txt\0${sha256("DD")}\x002\n`;
    expect(one).toMatchObject({ form: "folder", size: 3, sha256: sha256(manifest) });
    expect(two.sha256).toBe(one.sha256);
    expect(readFileSync(path.join(one.location, "b", "c", "d.txt"), "utf8")).toBe("DD");
  });

  it("keeps a JSON text and replaces an entry put again (a retry)", async () => {
    const store = new FileCatalogStore(path.join(temp("cat"), "catalog"));
    await store.putJson("count", "1");
    const again = await store.putJson("count", '{"n":2}');
    expect(again).toMatchObject({ form: "json", sha256: sha256('{"n":2}'), size: 7 });
    expect(await store.readJson((await store.find("count"))!)).toBe('{"n":2}');
    expect(await store.names()).toEqual(["count"]);
  });

  it("finds nothing under a name never put, and refuses a source that is missing, leaving nothing behind", async () => {
    const store = new FileCatalogStore(path.join(temp("cat"), "catalog"));
    expect(await store.find("nothing")).toBeUndefined();
    await expect(store.putPath("x", "/no/such/file")).rejects.toThrow(CatalogSourceError);
    await expect(store.putPath("x", "/no/such/file")).rejects.toThrow(/cannot put "x": \/no\/such\/file cannot be read/);
    expect(await store.names()).toEqual([]);
  });

  it("says what it could not store (its folder is a file: even root cannot write under it)", async () => {
    const root = path.join(temp("cat"), "catalog");
    writeFileSync(root, "");
    const store = new FileCatalogStore(root);
    await expect(store.putJson("x", "1")).rejects.toThrow(/^cannot store the catalog entry "x" in .*catalog: (ENOTDIR|EEXIST).*is WF_HOME writable/);
  });
});
