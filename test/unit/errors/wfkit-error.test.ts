import { describe, expect, it } from "vitest";
import { ConfigError, ParamsValidationError, WfkitError, WorkflowValidationError, errorMessage, errorName } from "wfkit";

type ErrorsModule = typeof import("../../../src/errors/wfkit-error.js");
type ConfigErrorsModule = typeof import("../../../src/config/errors.js");

// A second copy of the package (a bundled worker, a duplicate install) has its own classes.
// Importing the module file with a query string makes vitest load it a second time.
async function secondCopy<T>(spec: string): Promise<T> {
  return (await import(/* @vite-ignore */ spec)) as T;
}

class AppError extends WfkitError {}
class DeeperError extends AppError {}

describe("WfkitError", () => {
  it("sets name to the class name, keeps message and cause", () => {
    const cause = new Error("root");
    const error = new DeeperError("boom", { cause });
    expect(error.name).toBe("DeeperError");
    expect(error.message).toBe("boom");
    expect(error.cause).toBe(cause);
    expect(new WfkitError("x").name).toBe("WfkitError");
    expect(new WfkitError("x").cause).toBeUndefined();
    expect(new WfkitError("x", { cause: "text" }).cause).toBe("text");
  });

  it("supports instanceof up the hierarchy and not sideways", () => {
    const error = new DeeperError("x");
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(WfkitError);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toBeInstanceOf(DeeperError);
    expect(new AppError("x") instanceof DeeperError).toBe(false);
    expect(new WfkitError("x") instanceof AppError).toBe(false);
    expect(new AppError("x") instanceof ConfigError).toBe(false);
  });

  it("is not fooled by plain errors, primitives or a malformed brand", () => {
    expect(new Error("x") instanceof WfkitError).toBe(false);
    expect((null as unknown as object) instanceof WfkitError).toBe(false);
    expect(("WfkitError" as unknown as object) instanceof WfkitError).toBe(false);
    expect({ [Symbol.for("wfkit.error.kinds")]: "WfkitError" } instanceof WfkitError).toBe(false);
    expect({ [Symbol.for("wfkit.error.kinds")]: ["Other"] } instanceof WfkitError).toBe(false);
  });

  it("brands each error with its class names, as a non-enumerable registered symbol", () => {
    const brand = Symbol.for("wfkit.error.kinds");
    const error = new DeeperError("x");
    const descriptor = Object.getOwnPropertyDescriptor(error, brand);
    expect(descriptor?.value).toEqual(["DeeperError", "AppError", "WfkitError"]);
    expect(descriptor?.enumerable).toBe(false);
    expect(Object.getOwnPropertySymbols({ ...error })).not.toContain(brand);
  });

  it("recognises an object carrying the brand the way a second copy would", () => {
    const foreign = Object.assign(new Error("elsewhere"), {
      [Symbol.for("wfkit.error.kinds")]: ["ConfigError", "WfkitError"],
    });
    expect(foreign instanceof WfkitError).toBe(true);
    expect(foreign instanceof ConfigError).toBe(true);
    expect(foreign instanceof WorkflowValidationError).toBe(false);
  });

  describe("across two copies of the package", () => {
    it("works both ways for the base class", async () => {
      const copy = await secondCopy<ErrorsModule>("../../../src/errors/wfkit-error.ts?copy=2");
      expect(copy.WfkitError).not.toBe(WfkitError);

      const fromCopy = new copy.WfkitError("from copy", { cause: 42 });
      expect(fromCopy instanceof WfkitError).toBe(true);
      expect(fromCopy.name).toBe("WfkitError");
      expect(fromCopy.cause).toBe(42);

      const fromHere = new WfkitError("from here");
      expect(fromHere instanceof copy.WfkitError).toBe(true);
      expect(new Error("plain") instanceof copy.WfkitError).toBe(false);
    });

    it("works both ways for subclasses, by class name", async () => {
      const copy = await secondCopy<ErrorsModule>("../../../src/errors/wfkit-error.ts?copy=3");
      class CopyAppError extends copy.WfkitError {}
      const fromCopy = new CopyAppError("x", { cause: "why" });
      expect(fromCopy instanceof WfkitError).toBe(true);
      expect(fromCopy instanceof AppError).toBe(false);
      expect(fromCopy.name).toBe("CopyAppError");
      expect(fromCopy.cause).toBe("why");
      expect(new DeeperError("x") instanceof copy.WfkitError).toBe(true);

      const configCopy = await secondCopy<ConfigErrorsModule>("../../../src/config/errors.ts?copy=2");
      expect(configCopy.ConfigError).not.toBe(ConfigError);
      const foreignConfig = new configCopy.ConfigError([{ variable: "WF_X", received: "1", message: "bad" }]);
      expect(foreignConfig instanceof ConfigError).toBe(true);
      expect(foreignConfig instanceof WfkitError).toBe(true);
      expect(foreignConfig instanceof ParamsValidationError).toBe(false);
      expect(new ConfigError([]) instanceof configCopy.ConfigError).toBe(true);
      expect(foreignConfig.name).toBe("ConfigError");
    });
  });
});

describe("errorMessage", () => {
  it("describes anything that was thrown", () => {
    expect(errorMessage(new Error("boom"))).toBe("boom");
    expect(errorMessage("text")).toBe("text");
    expect(errorMessage({ a: 1 })).toBe('{"a":1}');
    expect(errorMessage(42)).toBe("42");
    expect(errorMessage(undefined)).toBe("undefined");
    expect(errorMessage(10n)).toBe("10");
    const circular: Record<string, unknown> = {};
    circular["self"] = circular;
    expect(errorMessage(circular)).toBe("[object Object]");
  });
});

describe("errorName", () => {
  it("gives the class name of errors and the type of anything else", () => {
    expect(errorName(new TypeError("x"))).toBe("TypeError");
    expect(errorName(new DeeperError("x"))).toBe("DeeperError");
    expect(errorName("x")).toBe("string");
    expect(errorName(null)).toBe("null");
    expect(errorName(undefined)).toBe("undefined");
    expect(errorName({})).toBe("object");
  });
});
