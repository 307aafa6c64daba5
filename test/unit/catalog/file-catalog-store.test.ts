import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
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

  it("carries a file, a folder and a JSON value into another run's catalog: links for data, one file for all the metadata", async () => {
    const dir = temp("carry");
    const from = new FileCatalogStore(path.join(dir, "a", "catalog"));
    const to = new FileCatalogStore(path.join(dir, "b", "catalog"));
    writeFileSync(path.join(dir, "f.txt"), "file");
    mkdirSync(path.join(dir, "folder", "sub"), { recursive: true });
    writeFileSync(path.join(dir, "folder", "sub", "x"), "xx");
    const entries = [await from.putPath("f", path.join(dir, "f.txt")), await from.putPath("d", path.join(dir, "folder")), await from.putJson("j", '{"n":1}')];
    const found = await Promise.all(entries.map(async (e) => (await from.find(e.name))!));
    const { carried, failed } = await to.carry(found, from);
    expect(failed).toEqual([]);
    expect(carried.map((e) => [e.name, e.form, e.sha256, e.size])).toEqual(entries.map((e) => [e.name, e.form, e.sha256, e.size]));
    expect(carried[0]!.location).toBe(path.join(dir, "b", "catalog", "f"));
    expect(statSync(carried[0]!.location).ino).toBe(statSync(entries[0]!.location).ino);
    expect(readFileSync(path.join(carried[1]!.location, "sub", "x"), "utf8")).toBe("xx");
    // A fresh store (another process) finds them, and they are whole.
    const reader = new FileCatalogStore(path.join(dir, "b", "catalog"));
    expect(await reader.names()).toEqual(["d", "f", "j"]);
    const j = (await reader.find("j"))!;
    expect(await reader.readJson(j)).toBe('{"n":1}');
    for (const name of ["f", "d", "j"]) expect(await reader.intact((await reader.find(name))!)).toBe(true);
  });

  it("tells an entry that is no longer whole, and reports the entries it could not carry", async () => {
    const dir = temp("intact");
    const from = new FileCatalogStore(path.join(dir, "a"));
    writeFileSync(path.join(dir, "f.txt"), "file");
    mkdirSync(path.join(dir, "folder"));
    writeFileSync(path.join(dir, "folder", "x"), "xx");
    const file = await from.putPath("f", path.join(dir, "f.txt"));
    const folder = await from.putPath("d", path.join(dir, "folder"));
    const json = await from.putJson("j", "[1]");
    expect(await from.intact(file)).toBe(true);
    rmSync(file.location);
    rmSync(path.join(folder.location, "x"), { force: true });
    expect(await from.intact(file)).toBe(false);
    expect(await from.intact(folder)).toBe(false);
    expect(await from.intact({ ...json, sha256: sha256("[2]") })).toBe(false);
    const to = new FileCatalogStore(path.join(dir, "b"));
    const { carried, failed } = await to.carry([file, json], from);
    expect(carried.map((e) => e.name)).toEqual(["j"]);
    expect(failed.map((f) => f.name)).toEqual(["f"]);
    expect(await to.find("f")).toBeUndefined();
  });
});
