/**
 * The `key=value,key=value` lists of the OTel variables (OTEL_RESOURCE_ATTRIBUTES,
 * OTEL_EXPORTER_OTLP_HEADERS): keys and values trimmed, values percent-decoded (the spec's
 * encoding of commas and spaces). Empty members are skipped. Throws on a member with no key or `=`,
 * or a value that is not valid percent-encoding; `keyValueListProblem` says why without throwing.
 */
export function parseKeyValueList(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const members = text.split(",");
  for (let i = 0; i < members.length; i++) {
    const member = members[i]!;
    if (member.trim() === "") continue;
    const at = member.indexOf("=");
    const key = at < 0 ? "" : member.slice(0, at).trim();
    // Named by position, not quoted: the list may be headers that carry a token.
    if (key === "") throw new Error(`member ${i + 1} is not key=value`);
    const raw = member.slice(at + 1).trim();
    try {
      out[key] = decodeURIComponent(raw);
    } catch {
      throw new Error(`the value of ${key} is not valid percent-encoding`);
    }
  }
  return out;
}

/** Why `text` is not a key=value list, or undefined when it is one. */
export function keyValueListProblem(text: string): string | undefined {
  try {
    parseKeyValueList(text);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
