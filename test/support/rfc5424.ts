// A strict RFC 5424 parser for the syslog tests. Written here because the parsers on npm do not
// parse structured data correctly: nsyslog-parser splits SD on spaces and drops quotes instead of
// unescaping, syslog-parse only knows RFC 3164 (and rsyslog's mmpstrucdata unescapes `\]` only).
// It throws on anything the RFC's ABNF does not allow, so a test passes only for valid messages.

/** One SD-ELEMENT: its SD-ID and its params in order (names may repeat, RFC 5424 §6.3.3). */
export interface SdElement {
  id: string;
  params: Array<[name: string, value: string]>;
}

/** The header fields of an RFC 5424 message; `-` (NILVALUE) stays `-`. */
export interface Rfc5424Header {
  pri: number;
  facility: number;
  severity: number;
  version: number;
  timestamp: string;
  hostname: string;
  appName: string;
  procId: string;
  msgId: string;
}

/** A parsed RFC 5424 message. */
export interface Rfc5424Message extends Rfc5424Header {
  /** Empty for `-`. */
  structuredData: SdElement[];
  /** Undefined when the message ends after the structured data. */
  msg: string | undefined;
}

const PRINTUSASCII = /^[\x21-\x7e]+$/;
const SD_NAME_CHAR = /[\x21-\x7e]/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$/;

/** Parse one message (no transport framing); throws with the reason and position when it is not valid RFC 5424. */
export function parseRfc5424(text: string): Rfc5424Message {
  const head = /^<(0|[1-9]\d{0,2})>([1-9]\d{0,2}) /.exec(text);
  if (!head) throw new SyntaxError(`no <PRI>VERSION at the start of ${JSON.stringify(text.slice(0, 40))}`);
  const pri = Number(head[1]);
  if (pri > 191) throw new SyntaxError(`PRI ${pri} is over 191`);
  let pos = head[0].length;
  const field = (name: string, max: number): string => {
    const end = text.indexOf(" ", pos);
    if (end < 0) throw new SyntaxError(`message ends inside ${name}`);
    const value = text.slice(pos, end);
    if (value.length > max || !PRINTUSASCII.test(value)) throw new SyntaxError(`bad ${name} ${JSON.stringify(value)}`);
    pos = end + 1;
    return value;
  };
  const timestamp = field("TIMESTAMP", 32);
  if (timestamp !== "-" && (!TIMESTAMP.test(timestamp) || Number.isNaN(Date.parse(timestamp)))) {
    throw new SyntaxError(`bad TIMESTAMP ${timestamp}`);
  }
  const hostname = field("HOSTNAME", 255);
  const appName = field("APP-NAME", 48);
  const procId = field("PROCID", 128);
  const msgId = field("MSGID", 32);
  const sd = readStructuredData(text, pos);
  pos = sd.end;
  let msg: string | undefined;
  if (pos < text.length) {
    if (text[pos] !== " ") throw new SyntaxError(`expected a space after the structured data at ${pos}, found ${JSON.stringify(text[pos])}`);
    msg = text.slice(pos + 1);
  }
  return {
    pri,
    facility: pri >> 3,
    severity: pri & 7,
    version: Number(head[2]),
    timestamp,
    hostname,
    appName,
    procId,
    msgId,
    structuredData: sd.elements,
    msg,
  };
}

/** Parse a whole STRUCTURED-DATA string (`-` or SD-ELEMENTs and nothing else), e.g. rsyslog's `structured-data` property. */
export function parseStructuredData(text: string): SdElement[] {
  const { elements, end } = readStructuredData(text, 0);
  if (end !== text.length) throw new SyntaxError(`trailing text after the structured data: ${JSON.stringify(text.slice(end))}`);
  return elements;
}

function readStructuredData(text: string, start: number): { elements: SdElement[]; end: number } {
  if (text[start] === "-") return { elements: [], end: start + 1 };
  const elements: SdElement[] = [];
  let pos = start;
  const fail = (what: string): never => {
    throw new SyntaxError(`${what} at ${pos} in ${JSON.stringify(text.slice(start, pos + 20))}`);
  };
  const name = (): string => {
    const from = pos;
    while (pos < text.length && SD_NAME_CHAR.test(text[pos]!) && !'="] '.includes(text[pos]!)) pos++;
    if (pos === from || pos - from > 32) fail("expected an SD-NAME of 1 to 32 characters");
    return text.slice(from, pos);
  };
  if (text[pos] !== "[") fail("expected `-` or `[`");
  while (text[pos] === "[") {
    pos++;
    const element: SdElement = { id: name(), params: [] };
    while (text[pos] === " ") {
      pos++;
      const param = name();
      if (text.slice(pos, pos + 2) !== '="') fail('expected `="`');
      pos += 2;
      let value = "";
      for (;;) {
        const c = text[pos];
        if (c === undefined) fail("message ends inside a PARAM-VALUE");
        if (c === '"') break;
        if (c === "]") fail("unescaped `]` inside a PARAM-VALUE");
        if (c === "\\" && (text[pos + 1] === '"' || text[pos + 1] === "\\" || text[pos + 1] === "]")) {
          value += text[pos + 1];
          pos += 2;
        } else {
          // RFC 5424 §6.3.3: a backslash before any other character is a backslash.
          value += c;
          pos++;
        }
      }
      pos++;
      element.params.push([param, value]);
    }
    if (text[pos] !== "]") fail("expected ` ` or `]`");
    pos++;
    elements.push(element);
  }
  return { elements, end: pos };
}

/**
 * Split an RFC 6587 octet-counted stream (`<length> <message>`, length in bytes) into messages;
 * throws on a malformed frame, and on a cut-off last frame unless `partial` (data still arriving).
 */
export function splitOctetCounted(stream: Buffer, partial = false): string[] {
  const out: string[] = [];
  let pos = 0;
  while (pos < stream.length) {
    const space = stream.indexOf(0x20, pos);
    if (space < 0 && partial && stream.length - pos < 12) break;
    const digits = space < 0 ? "" : stream.subarray(pos, space).toString("latin1");
    if (!/^[1-9]\d*$/.test(digits)) throw new SyntaxError(`bad frame length ${JSON.stringify(digits)} at byte ${pos}`);
    const end = space + 1 + Number(digits);
    if (end > stream.length && partial) break;
    if (end > stream.length) throw new SyntaxError(`frame at byte ${pos} is cut off (${stream.length - space - 1} of ${digits} bytes)`);
    out.push(new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(stream.subarray(space + 1, end)));
    pos = end;
  }
  return out;
}
