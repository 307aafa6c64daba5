import * as z from "zod";
import { EnvSchema } from "./env-schema.js";

interface JsonSchemaProperty {
  type?: string;
  enum?: unknown[];
  default?: unknown;
  description?: string;
  minimum?: number;
}

function typeText(p: JsonSchemaProperty): string {
  if (p.enum) return p.enum.map((v) => `\`${String(v)}\``).join(" \\| ");
  const base = p.type ?? "string";
  return p.minimum !== undefined ? `${base} ≥ ${p.minimum}` : base;
}

/** The configuration table of docs/configuration.md, as Markdown, generated from {@link EnvSchema}. */
export function renderConfigTable(): string {
  const schema = z.toJSONSchema(EnvSchema, { io: "input" }) as {
    properties: Record<string, JsonSchemaProperty>;
  };
  const rows = Object.entries(schema.properties).map(([name, p]) => {
    const def = p.default === undefined ? "(unset)" : `\`${String(p.default)}\``;
    return `| \`${name}\` | ${typeText(p)} | ${def} | ${(p.description ?? "").replace(/\|/g, "\\|")} |`;
  });
  return ["| Variable | Type | Default | Description |", "| --- | --- | --- | --- |", ...rows].join("\n");
}
