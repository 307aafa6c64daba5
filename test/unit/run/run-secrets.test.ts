import { describe, expect, it } from "vitest";
import { z } from "zod";
import { Masker } from "../../../src/logging/mask.js";
import { isSecretField } from "../../../src/workflow/params.js";
import { paramSecrets } from "../../../src/run/run-secrets.js";

const masker = new Masker(["password", "key", "token"]);

describe("isSecretField", () => {
  it("sees .meta({ secret: true }) on a field and under its wrappers, and nothing else", () => {
    expect(isSecretField(z.string().meta({ secret: true }))).toBe(true);
    expect(isSecretField(z.string().meta({ secret: true }).optional())).toBe(true);
    expect(isSecretField(z.string().meta({ secret: true }).default("x"))).toBe(true);
    expect(isSecretField(z.string())).toBe(false);
    expect(isSecretField(z.string().meta({ secret: "yes" }))).toBe(false);
    expect(isSecretField(z.string().describe("secret"))).toBe(false);
  });
});

describe("paramSecrets", () => {
  it("collects values under secret names (nested too), of fields marked secret, and URL passwords", () => {
    const schema = z.object({ conn: z.string().meta({ secret: true }), db: z.object({ password: z.string() }), dsn: z.string(), pin: z.number(), note: z.string() });
    const params = { conn: "conn-value", db: { password: "db-pass" }, dsn: "postgres://u:url pass@h/x", apiKey: 12345, note: "plain" };
    expect(paramSecrets(params, schema, masker).sort()).toEqual(["12345", "conn-value", "db-pass", "url pass"]);
  });

  it("finds nothing in params without secrets", () => {
    expect(paramSecrets({ limit: 3, note: "https://example.org/x" }, undefined, masker)).toEqual([]);
  });
});
