import { FIELD_NAME } from "./log-fields.js";

/** A piece of a console template: literal text or a placeholder. */
export type TemplatePart = { text: string } | { field: string; width: number; pair: boolean };

/** The pretty format's default template. */
export const DEFAULT_CONSOLE_TEMPLATE = "{time} {level:5} {logger} {message}{fields}";

/**
 * Parse a WF_LOG_CONSOLE_FORMAT template: `{name}` or `{name:width}` placeholders (any field
 * name, plus `fields` and `*`), `{name=}` for `name=value` (value quoted when it has spaces),
 * `{{` and `}}` for literal braces. Returns the parts, or problems.
 */
export function parseConsoleTemplate(template: string): { parts: TemplatePart[]; problems: string[] } {
  const parts: TemplatePart[] = [];
  const problems: string[] = [];
  let text = "";
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if ((c === "{" || c === "}") && template[i + 1] === c) {
      text += c;
      i++;
    } else if (c === "{") {
      const end = template.indexOf("}", i);
      const body = end < 0 ? template.slice(i + 1) : template.slice(i + 1, end);
      const [rawName = "", width = "0"] = body.split(":");
      const pair = rawName.endsWith("=");
      const name = pair ? rawName.slice(0, -1) : rawName;
      if (end < 0) problems.push(`"{${body}" is not closed with "}" (write "{{" for a literal brace)`);
      else if (!(name === "*" || FIELD_NAME.test(name)) || !/^\d{1,3}$/.test(width)) {
        problems.push(`"{${body}}" is not a placeholder: use {field}, {field:width} or {field=}, e.g. {task}, {level:5} or {run_id=}`);
      } else {
        if (text !== "") parts.push({ text });
        text = "";
        parts.push({ field: name, width: Number(width), pair });
      }
      i = end < 0 ? template.length : end;
    } else if (c === "}") {
      problems.push(`a lone "}" at position ${i + 1} (write "}}" for a literal brace)`);
    } else {
      text += c;
    }
  }
  if (text !== "") parts.push({ text });
  return { parts, problems };
}
