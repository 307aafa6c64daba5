import { describe, expect, it } from "vitest";
import { ParamsValidationError, resolvableByOf, TaskTerminatedError, WfkitError } from "wfkit";
import { ConfigError, RunDirError } from "wfkit/engine";
import { rootCause } from "../../../src/errors/classify-error.js";

/** An error as Node's net and dns modules make them: a `code` such as ECONNREFUSED. */
function systemError(code: string, message = `connect ${code} 10.0.0.1:5432`): Error {
  return Object.assign(new Error(message), { code, syscall: "connect" });
}

/** What `fetch` throws when the connection fails: a TypeError whose cause has the code. */
function fetchFailure(code: string): TypeError {
  return new TypeError("fetch failed", { cause: systemError(code) });
}

describe("resolvableByOf", () => {
  it("takes a wfkit error's own classification", () => {
    expect(resolvableByOf(new ConfigError([]))).toBe("config");
    expect(resolvableByOf(new ParamsValidationError("w", []))).toBe("user");
    expect(resolvableByOf(new RunDirError("x"))).toBe("config");
    expect(resolvableByOf(new TaskTerminatedError("Load", "SIGTERM"))).toBe("platform");
    expect(resolvableByOf(new WfkitError("x"))).toBe("platform");
  });

  it("does not look past a wfkit error into its causes", () => {
    const wrapped = new RunDirError("cannot create the run directory", { cause: systemError("ETIMEDOUT") });
    expect(resolvableByOf(wrapped)).toBe("config");
  });

  it("reads an error from another copy of wfkit by its brand and field", () => {
    const brand = Symbol.for("wfkit.error.kinds");
    const foreign = Object.assign(new Error("elsewhere"), { [brand]: ["ConfigError", "WfkitError"], resolvableBy: "config" });
    expect(resolvableByOf(foreign)).toBe("config");
    // A copy from before the classification existed, or a nonsense value: wfkit's own problem.
    expect(resolvableByOf(Object.assign(new Error("old"), { [brand]: ["WfkitError"] }))).toBe("platform");
    expect(resolvableByOf(Object.assign(new Error("odd"), { [brand]: ["WfkitError"], resolvableBy: "nobody" }))).toBe("platform");
  });

  it("calls whatever task code throws the user's, by default", () => {
    expect(resolvableByOf(new Error("boom"))).toBe("user");
    expect(resolvableByOf(new TypeError("x is undefined"))).toBe("user");
    expect(resolvableByOf("a string")).toBe("user");
    expect(resolvableByOf(42)).toBe("user");
    expect(resolvableByOf(null)).toBe("user");
    expect(resolvableByOf(undefined)).toBe("user");
    expect(resolvableByOf({ message: "plain object" })).toBe("user");
  });

  it.each([
    "ECONNREFUSED",
    "ECONNRESET",
    "ECONNABORTED",
    "ETIMEDOUT",
    "ENOTFOUND",
    "EAI_AGAIN",
    "EHOSTUNREACH",
    "ENETUNREACH",
    "EPIPE",
    "UND_ERR_CONNECT_TIMEOUT",
    "UND_ERR_SOCKET",
    "UND_ERR_HEADERS_TIMEOUT",
  ])("calls an error with code %s external, on the error or anywhere in its cause chain", (code) => {
    expect(resolvableByOf(systemError(code))).toBe("external");
    expect(resolvableByOf(new Error("load failed", { cause: new Error("query failed", { cause: systemError(code) }) }))).toBe("external");
  });

  it("calls a failed fetch external: a TypeError whose cause carries the code", () => {
    expect(resolvableByOf(fetchFailure("ECONNREFUSED"))).toBe("external");
    expect(resolvableByOf(fetchFailure("ENOTFOUND"))).toBe("external");
    expect(resolvableByOf(new Error("sync failed", { cause: fetchFailure("UND_ERR_SOCKET") }))).toBe("external");
  });

  it("keeps local and caller-side codes the user's", () => {
    for (const code of ["ENOENT", "EACCES", "EISDIR", "ERR_INVALID_ARG_TYPE", "UND_ERR_INVALID_ARG", "UND_ERR_ABORTED"]) {
      expect(resolvableByOf(systemError(code)), code).toBe("user");
      expect(resolvableByOf(new TypeError("fetch failed", { cause: systemError(code) })), code).toBe("user");
    }
    expect(resolvableByOf(Object.assign(new Error("exit"), { code: 1 }))).toBe("user");
  });

  it("ends on cyclic cause chains", () => {
    const a = new Error("a");
    const b = new Error("b", { cause: a });
    (a as { cause?: unknown }).cause = b;
    expect(resolvableByOf(a)).toBe("user");
    const self = new Error("self");
    (self as { cause?: unknown }).cause = self;
    expect(resolvableByOf(self)).toBe("user");
    const late = systemError("ECONNRESET");
    const loop = new Error("loop", { cause: new Error("inner", { cause: late }) });
    (late as { cause?: unknown }).cause = loop;
    expect(resolvableByOf(loop)).toBe("external");
  });

  it("looks 32 causes deep and no further", () => {
    const chainTo = (depth: number): Error => {
      let error: Error = systemError("ETIMEDOUT");
      for (let i = 0; i < depth; i++) error = new Error(`wrap ${i}`, { cause: error });
      return error;
    };
    expect(resolvableByOf(chainTo(32))).toBe("external");
    expect(resolvableByOf(chainTo(33))).toBe("user");
  });

  it("does not throw for an error whose getters throw", () => {
    const hostile = new Error("hostile");
    Object.defineProperty(hostile, "cause", {
      get() {
        throw new Error("no cause for you");
      },
    });
    Object.defineProperty(hostile, "code", {
      get() {
        throw new Error("no code either");
      },
    });
    expect(resolvableByOf(hostile)).toBe("user");
    expect(rootCause(hostile)).toBe(hostile);
  });
});

describe("rootCause", () => {
  it("is the error itself when it has no cause", () => {
    const error = new Error("alone");
    expect(rootCause(error)).toBe(error);
    const undefinedCause = new Error("x", { cause: undefined });
    expect(rootCause(undefinedCause)).toBe(undefinedCause);
    expect(rootCause("text")).toBe("text");
    expect(rootCause(undefined)).toBeUndefined();
    expect(rootCause(null)).toBeNull();
  });

  it("follows the cause chain to its innermost link, whatever that is", () => {
    const root = systemError("ECONNREFUSED");
    const middle = new Error("query failed", { cause: root });
    expect(rootCause(new WfkitError("load failed", { cause: middle }))).toBe(root);
    expect(rootCause(fetchFailure("ENOTFOUND"))).toMatchObject({ code: "ENOTFOUND" });
    expect(rootCause(new Error("wrapped a string", { cause: "the real reason" }))).toBe("the real reason");
    expect(rootCause({ cause: { cause: 7 } })).toBe(7);
  });

  it("stops before an error it has seen already", () => {
    const a = new Error("a");
    const b = new Error("b", { cause: a });
    (a as { cause?: unknown }).cause = b;
    expect(rootCause(a)).toBe(b);
    expect(rootCause(b)).toBe(a);
    const self = new Error("self");
    (self as { cause?: unknown }).cause = self;
    expect(rootCause(self)).toBe(self);
  });

  it("follows at most 32 causes", () => {
    const links: Error[] = [new Error("link 0")];
    for (let i = 1; i <= 40; i++) links.push(new Error(`link ${i}`, { cause: links[i - 1] }));
    expect(rootCause(links[32])).toBe(links[0]);
    expect(rootCause(links[40])).toBe(links[8]);
  });
});
