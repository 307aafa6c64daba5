import { describe, expect, it } from "vitest";
import { loadConfig } from "wfkit/engine";
import { EnvSchema } from "../../../src/config/env-schema.js";
import { LOG_LEVELS } from "../../../src/logging/log-level.js";
import { CONFIG_DEFAULTS } from "../../support/config-defaults.js";

describe("EnvSchema", () => {
  it("declares only WF_* variables and the standard OpenTelemetry ones, each with a description", () => {
    const keys = Object.keys(EnvSchema.shape);
    expect(keys).toEqual(
      expect.arrayContaining(["WF_HOME", "WF_LOG_LEVEL", "WF_LOG_FORMAT", "WF_CONCURRENCY", "WF_RETRY_DELAY_SECONDS"]),
    );
    for (const [key, field] of Object.entries(EnvSchema.shape)) {
      expect(key).toMatch(/^(WF|OTEL)_[A-Z_]+$|^TRACE(PARENT|STATE)$/);
      expect(field.description, key).toBeTruthy();
    }
  });

  it("applies defaults", () => {
    expect(EnvSchema.parse({})).toEqual(CONFIG_DEFAULTS);
  });

  it("checks the progress settings, naming what is wrong", () => {
    expect(EnvSchema.parse({ WF_PROGRESS: "bars", WF_PROGRESS_LEVELS: "tasks, steps", WF_PROGRESS_LOG_INTERVAL: "0.5" })).toMatchObject({
      WF_PROGRESS: "bars",
      WF_PROGRESS_LEVELS: "tasks, steps",
      WF_PROGRESS_LOG_INTERVAL: 0.5,
    });
    const levels = EnvSchema.safeParse({ WF_PROGRESS_LEVELS: "run,task" });
    expect(levels.success).toBe(false);
    expect(levels.error!.issues[0]!.message).toBe('"task" is not a progress level; use run, tasks and steps, comma-separated');
    for (const bad of [{ WF_PROGRESS: "tqdm" }, { WF_PROGRESS_LOG_INTERVAL: "0" }, { WF_PROGRESS_NOTEBOOK_INTERVAL: "-1" }]) {
      expect(EnvSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it("coerces numbers from environment strings", () => {
    const config = EnvSchema.parse({ WF_CONCURRENCY: "4", WF_RETRY_DELAY_SECONDS: "0.5" });
    expect(config.WF_CONCURRENCY).toBe(4);
    expect(config.WF_RETRY_DELAY_SECONDS).toBe(0.5);
  });

  it("accepts every log level and format, and nothing else", () => {
    for (const level of LOG_LEVELS) expect(EnvSchema.safeParse({ WF_LOG_LEVEL: level }).success).toBe(true);
    for (const format of ["auto", "pretty", "json", "logfmt", "ltsv"]) {
      expect(EnvSchema.safeParse({ WF_LOG_FORMAT: format }).success).toBe(true);
    }
    expect(EnvSchema.safeParse({ WF_LOG_LEVEL: "loud" }).success).toBe(false);
    expect(EnvSchema.safeParse({ WF_LOG_FORMAT: "xml" }).success).toBe(false);
  });

  it("rejects concurrency that is not a whole number of at least 1", () => {
    for (const bad of ["0", "-1", "1.5", "abc"]) {
      expect(EnvSchema.safeParse({ WF_CONCURRENCY: bad }).success, bad).toBe(false);
    }
  });

  it("rejects a negative or non-numeric retry delay and accepts 0", () => {
    expect(EnvSchema.safeParse({ WF_RETRY_DELAY_SECONDS: "-1" }).success).toBe(false);
    expect(EnvSchema.safeParse({ WF_RETRY_DELAY_SECONDS: "soon" }).success).toBe(false);
    expect(EnvSchema.parse({ WF_RETRY_DELAY_SECONDS: "0" }).WF_RETRY_DELAY_SECONDS).toBe(0);
  });

  it("takes amqp:// and amqps:// bus URLs only, and never repeats a password in the error", () => {
    expect(EnvSchema.parse({ WF_BUS_URL: "amqps://u:p@mq.example.com:5671/prod" }).WF_BUS_URL).toBe("amqps://u:p@mq.example.com:5671/prod");
    for (const bad of ["http://u:hunter2@mq:5672", "amqp://", "mq:5672", "amqp//u:hunter2@mq"]) {
      expect(EnvSchema.safeParse({ WF_BUS_URL: bad }).success, bad).toBe(false);
    }
    const error = (() => {
      try {
        loadConfig({ WF_BUS_URL: "http://u:hunter2@mq:5672" });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.message).toContain("WF_BUS_URL=\"http://u:[masked]@mq:5672\": must be an amqp:// or amqps:// URL");
    expect(error?.message).not.toContain("hunter2");
    expect(EnvSchema.safeParse({ WF_EVENTS_FORMAT: "avro" }).success).toBe(false);
    expect(EnvSchema.parse({ WF_BUS_STRICT: "yes", WF_EVENTS_PROGRESS_INTERVAL: "0" })).toMatchObject({ WF_BUS_STRICT: true, WF_EVENTS_PROGRESS_INTERVAL: 0 });
  });
});
