import { describe, expect, it } from "vitest";
import {
  ParamsValidationError,
  TaskSkipped,
  TaskTerminatedError,
  WfkitError,
  WorkflowValidationError,
  resolvableByOf,
  type ResolvableBy,
} from "wfkit";
import {
  ConfigError,
  InvalidRunIdError,
  LoggerOptionsError,
  RunDirError,
  UnsafeTemplateError,
  errorMessage,
  errorName,
} from "wfkit/engine";
import {
  AirflowCodeMismatchError,
  AirflowExportError,
  AirflowExportOptionsError,
  AirflowTaskError,
  AirflowUnknownTaskError,
} from "wfkit/airflow";
import { LocalRunOptionsError } from "wfkit/local";
import {
  NotebookCodeMismatchError,
  NotebookExportError,
  NotebookExportOptionsError,
  NotebookModuleLoadError,
  NotebookPackageMissingError,
  NotebookRunError,
  NotebookRunOptionsError,
  NotebookUnknownTaskError,
  NotebookUpstreamNotSucceededError,
} from "wfkit/notebook";
import { NoWorkflowExportError, WorkflowLoadError } from "../../../build-utils/discover/errors.js";
import { OutputError, OutputPathError, OutputWriteError } from "../../../build-utils/export/errors.js";
import { InstallError, InstallNpmError, InstallRootError } from "../../../build-utils/install/errors.js";
import { PackageConfigError, PackageError, PackageWriteError } from "../../../build-utils/package/errors.js";
import { UsageError } from "../../../cli/errors.js";

type ErrorsModule = typeof import("../../../src/errors/wfkit-error.js");
type ConfigErrorsModule = typeof import("../../../src/config/errors.js");
type ClassifyModule = typeof import("../../../src/errors/classify-error.js");

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

describe("resolvableBy", () => {
  it("is platform for the base class and for subclasses that declare nothing", () => {
    expect(WfkitError.resolvableBy).toBe("platform");
    expect(new WfkitError("x").resolvableBy).toBe("platform");
    expect(new DeeperError("x").resolvableBy).toBe("platform");
  });

  it("is declared once per class and copied to each instance, subclasses inheriting it", () => {
    class BadInput extends WfkitError {
      static override readonly resolvableBy: ResolvableBy = "user";
    }
    class WorseInput extends BadInput {}
    class Outage extends BadInput {
      static override readonly resolvableBy: ResolvableBy = "external";
    }
    expect(new BadInput("x").resolvableBy).toBe("user");
    expect(new WorseInput("x").resolvableBy).toBe("user");
    expect(new Outage("x").resolvableBy).toBe("external");
    expect(new Outage("x")).toBeInstanceOf(BadInput);
  });

  it("is an own, enumerable field, so it shows when the error is serialised", () => {
    const error = new ConfigError([]);
    expect(Object.getOwnPropertyDescriptor(error, "resolvableBy")).toMatchObject({ value: "config", enumerable: true });
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({ name: "ConfigError", resolvableBy: "config" });
  });

  // One row per wfkit error class: its classification and the class it extends.
  const classes: [Function, ResolvableBy, Function, () => WfkitError][] = [
    [WfkitError, "platform", Error, () => new WfkitError("x")],
    [ConfigError, "config", WfkitError, () => new ConfigError([{ variable: "WF_X", received: "1", message: "bad" }])],
    [UsageError, "user", WfkitError, () => new UsageError("x")],
    [WorkflowValidationError, "user", WfkitError, () => new WorkflowValidationError("w", [])],
    [ParamsValidationError, "user", WfkitError, () => new ParamsValidationError("w", [])],
    [InvalidRunIdError, "user", WfkitError, () => new InvalidRunIdError("x")],
    [RunDirError, "config", WfkitError, () => new RunDirError("x")],
    [TaskSkipped, "user", WfkitError, () => new TaskSkipped()],
    [TaskTerminatedError, "platform", WfkitError, () => new TaskTerminatedError("Load", new Error("received SIGTERM"))],
    [LoggerOptionsError, "config", WfkitError, () => new LoggerOptionsError(["level: bad"])],
    [UnsafeTemplateError, "platform", WfkitError, () => new UnsafeTemplateError("x")],
    [AirflowExportError, "user", WfkitError, () => new AirflowExportError("x")],
    [AirflowExportOptionsError, "config", AirflowExportError, () => new AirflowExportOptionsError("x")],
    [AirflowTaskError, "platform", WfkitError, () => new AirflowTaskError("x")],
    [AirflowCodeMismatchError, "platform", AirflowTaskError, () => new AirflowCodeMismatchError("x")],
    [AirflowUnknownTaskError, "user", AirflowTaskError, () => new AirflowUnknownTaskError("x")],
    [LocalRunOptionsError, "config", WfkitError, () => new LocalRunOptionsError(["retryDelay: unknown option"])],
    [NotebookExportError, "user", WfkitError, () => new NotebookExportError("x")],
    [NotebookExportOptionsError, "config", NotebookExportError, () => new NotebookExportOptionsError("x")],
    [NotebookRunError, "platform", WfkitError, () => new NotebookRunError("x")],
    [NotebookRunOptionsError, "config", NotebookRunError, () => new NotebookRunOptionsError("x")],
    [NotebookPackageMissingError, "platform", NotebookRunError, () => new NotebookPackageMissingError("x")],
    [NotebookCodeMismatchError, "platform", NotebookRunError, () => new NotebookCodeMismatchError("x")],
    [NotebookModuleLoadError, "user", NotebookRunError, () => new NotebookModuleLoadError("x")],
    [NotebookUnknownTaskError, "user", NotebookRunError, () => new NotebookUnknownTaskError("x")],
    [NotebookUpstreamNotSucceededError, "user", NotebookRunError, () => new NotebookUpstreamNotSucceededError("x")],
    [WorkflowLoadError, "user", WfkitError, () => new WorkflowLoadError("x")],
    [NoWorkflowExportError, "user", WorkflowLoadError, () => new NoWorkflowExportError("x")],
    [OutputError, "user", WfkitError, () => new OutputError("x")],
    [OutputPathError, "user", OutputError, () => new OutputPathError("x")],
    [OutputWriteError, "config", OutputError, () => new OutputWriteError("x")],
    [InstallError, "user", WfkitError, () => new InstallError("x")],
    [InstallNpmError, "external", InstallError, () => new InstallNpmError("x")],
    [InstallRootError, "config", InstallError, () => new InstallRootError("x")],
    [PackageError, "user", WfkitError, () => new PackageError("x")],
    [PackageConfigError, "config", PackageError, () => new PackageConfigError("x")],
    [PackageWriteError, "config", PackageError, () => new PackageWriteError("x")],
  ];

  it.each(classes.map(([cls, expected, parent, make]) => [cls.name, expected, parent, make, cls] as const))(
    "%s is resolvable by %s",
    (name, expected, parent, make, cls) => {
      expect((cls as typeof WfkitError).resolvableBy).toBe(expected);
      const error = make();
      expect(error.name).toBe(name);
      expect(error.resolvableBy).toBe(expected);
      expect(resolvableByOf(error)).toBe(expected);
      expect(error).toBeInstanceOf(WfkitError);
      expect(error).toBeInstanceOf(parent);
    },
  );

  it("covers every classification", () => {
    expect(new Set(classes.map(([, expected]) => expected))).toEqual(new Set(["user", "config", "platform", "external"]));
  });

  it("keeps the specific classes inside the families that existing checks catch", () => {
    expect(new AirflowCodeMismatchError("x")).toBeInstanceOf(AirflowTaskError);
    expect(new AirflowUnknownTaskError("x")).toBeInstanceOf(AirflowTaskError);
    expect(new AirflowExportOptionsError("x")).toBeInstanceOf(AirflowExportError);
    expect(new NotebookPackageMissingError("x")).toBeInstanceOf(NotebookRunError);
    expect(new NotebookExportOptionsError("x")).toBeInstanceOf(NotebookExportError);
    expect(new InstallNpmError("x")).toBeInstanceOf(InstallError);
    expect(new PackageWriteError("x")).toBeInstanceOf(PackageError);
    expect(new AirflowCodeMismatchError("x")).not.toBeInstanceOf(AirflowUnknownTaskError);
    expect(new NotebookCodeMismatchError("x")).not.toBeInstanceOf(NotebookPackageMissingError);
  });

  describe("across two copies of the package", () => {
    it("an error made by the other copy still reports its classification", async () => {
      const copy = await secondCopy<ErrorsModule>("../../../src/errors/wfkit-error.ts?copy=4");
      expect(copy.WfkitError).not.toBe(WfkitError);
      class CopyBadInput extends copy.WfkitError {
        static override readonly resolvableBy: ResolvableBy = "user";
      }
      class CopyOutage extends CopyBadInput {
        static override readonly resolvableBy: ResolvableBy = "external";
      }
      const fromCopy = new CopyOutage("x");
      expect(fromCopy instanceof WfkitError).toBe(true);
      expect(fromCopy.resolvableBy).toBe("external");
      expect(resolvableByOf(fromCopy)).toBe("external");
      expect(resolvableByOf(new CopyBadInput("x"))).toBe("user");
      expect(resolvableByOf(new copy.WfkitError("x"))).toBe("platform");
    });

    it("the other copy's classes keep theirs, and read this copy's errors", async () => {
      const configCopy = await secondCopy<ConfigErrorsModule>("../../../src/config/errors.ts?copy=3");
      expect(configCopy.ConfigError).not.toBe(ConfigError);
      expect(configCopy.ConfigError.resolvableBy).toBe("config");
      const foreign = new configCopy.ConfigError([]);
      expect(foreign.resolvableBy).toBe("config");
      expect(resolvableByOf(foreign)).toBe("config");

      const classifyCopy = await secondCopy<ClassifyModule>("../../../src/errors/classify-error.ts?copy=2");
      expect(classifyCopy.resolvableByOf(new ParamsValidationError("w", []))).toBe("user");
      expect(classifyCopy.resolvableByOf(new RunDirError("x"))).toBe("config");
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
