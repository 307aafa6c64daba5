import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatRfc5424, SYSLOG_FACILITIES, type SyslogEntry, type SyslogMessageOptions } from "../../../src/logging/syslog-message.js";
import { parseRfc5424, parseStructuredData } from "../../support/rfc5424.js";

const OPTIONS: SyslogMessageOptions = { facility: "local3", appName: "wfkit", sdId: "wfkit@32473", hostname: "host1", procId: "4242" };

function entry(over: Partial<SyslogEntry> = {}): SyslogEntry {
  return {
    time: new Date("2024-05-06T07:08:09.123Z"),
    levelId: 3,
    logger: "wfkit.engine.local",
    message: "task started",
    fields: { workflow: "etl", version: "1.0.0", dag_id: "etl_1.0.0", task: "Extract", run_id: "r1", attempt: 1 },
    ...over,
  };
}

/** The one SD element's params of a formatted message, parsed back strictly. */
function paramsOf(text: string): Array<[string, string]> {
  const parsed = parseRfc5424(text);
  expect(parsed.structuredData).toHaveLength(1);
  expect(parsed.structuredData[0]!.id).toBe("wfkit@32473");
  return parsed.structuredData[0]!.params;
}

describe("formatRfc5424", () => {
  it("writes the header, one SD element with every field in order, and the message", () => {
    expect(formatRfc5424(entry(), OPTIONS)).toBe(
      '<158>1 2024-05-06T07:08:09.123Z host1 wfkit 4242 wfkit.engine.local [wfkit@32473 workflow="etl" version="1.0.0" dag_id="etl_1.0.0" task="Extract" run_id="r1" attempt="1"] task started',
    );
  });

  it.each([
    [0, "silly", 7],
    [1, "trace", 7],
    [2, "debug", 7],
    [3, "info", 6],
    [4, "warn", 4],
    [5, "error", 3],
    [6, "fatal", 2],
  ])("level %i (%s) is severity %i, under user and under local7", (levelId, _name, severity) => {
    for (const [facility, code] of [["user", 1], ["local7", 23], ["kern", 0]] as const) {
      const parsed = parseRfc5424(formatRfc5424(entry({ levelId }), { ...OPTIONS, facility }));
      expect(parsed.pri).toBe(code * 8 + severity);
      expect([parsed.facility, parsed.severity]).toEqual([code, severity]);
    }
  });

  it("knows the facility codes of RFC 5424", () => {
    expect(SYSLOG_FACILITIES).toMatchObject({ kern: 0, user: 1, daemon: 3, auth: 4, syslog: 5, local0: 16, local7: 23 });
  });

  it("writes `-` for no fields, leaves undefined fields out and adds no space after an empty message", () => {
    expect(formatRfc5424(entry({ fields: {}, message: "" }), OPTIONS)).toBe("<158>1 2024-05-06T07:08:09.123Z host1 wfkit 4242 wfkit.engine.local -");
    expect(formatRfc5424(entry({ fields: { gone: undefined }, message: "m" }), OPTIONS)).toMatch(/ wfkit\.engine\.local - m$/);
    expect(paramsOf(formatRfc5424(entry({ fields: { a: undefined, b: "x" } }), OPTIONS))).toEqual([["b", "x"]]);
  });

  it("makes header fields printable US-ASCII within their lengths, `-` when empty", () => {
    const text = formatRfc5424(entry({ logger: `wfkit.engine.local.${"x".repeat(40)}` }), {
      ...OPTIONS,
      hostname: "my host ü",
      appName: "a".repeat(60),
      procId: "",
    });
    const parsed = parseRfc5424(text);
    expect(parsed.hostname).toBe("my_host__");
    expect(parsed.appName).toBe("a".repeat(48));
    expect(parsed.procId).toBe("-");
    expect(parsed.msgId).toBe(`wfkit.engine.local.${"x".repeat(13)}`);
    expect(parseRfc5424(formatRfc5424(entry({ logger: "Load 😀\n" }), OPTIONS)).msgId).toBe("Load___");
  });

  it("writes `-` for an invalid time instead of throwing", () => {
    expect(parseRfc5424(formatRfc5424(entry({ time: new Date(Number.NaN) }), OPTIONS)).timestamp).toBe("-");
  });

  it("turns values into text: strings as they are, numbers, booleans, bigints, null, errors, dates, objects as JSON in their key order", () => {
    const circular: Record<string, unknown> = { b: 1, a: [1, "x"] };
    circular["self"] = circular;
    const fields = {
      s: "text",
      n: 1.5,
      t: true,
      big: 12345678901234567890n,
      nil: null,
      err: new TypeError("bad input"),
      when: new Date("2024-01-02T03:04:05.000Z"),
      obj: { z: 1, a: { b: [1, 2], e: new RangeError("deep") } },
      circular,
      fn: function named() {},
    };
    expect(paramsOf(formatRfc5424(entry({ fields }), OPTIONS))).toEqual([
      ["s", "text"],
      ["n", "1.5"],
      ["t", "true"],
      ["big", "12345678901234567890"],
      ["nil", "null"],
      ["err", "TypeError: bad input"],
      ["when", "2024-01-02T03:04:05.000Z"],
      ["obj", '{"z":1,"a":{"b":[1,2],"e":"RangeError: deep"}}'],
      ["circular", '{"b":1,"a":[1,"x"],"self":"[Circular]"}'],
      ["fn", "[Function named]"],
    ]);
  });

  const HOSTILE = ['"', "\\", "]", '] [x@1 a="b"', '\\"]', "end\\", "line1\nline2\r\n", "ünï €😀", "", "-", "[", "=", " ", `${"\\]".repeat(100)}"`];

  it.each(HOSTILE)("keeps the hostile value %j inside one PARAM-VALUE", (value) => {
    const text = formatRfc5424(entry({ fields: { run_id: value, task: "t" }, message: "after" }), OPTIONS);
    expect(paramsOf(text)).toEqual([
      ["run_id", value],
      ["task", "t"],
    ]);
    expect(parseRfc5424(text).msg).toBe("after");
    // …and through UTF-8 bytes, as the receiver sees it
    expect(paramsOf(Buffer.from(text, "utf8").toString("utf8"))).toEqual([
      ["run_id", value],
      ["task", "t"],
    ]);
  });

  it("keeps a hostile message as it is, after the structured data", () => {
    const message = '] [x@1 a="b"] \\ " \n second line ünï';
    const parsed = parseRfc5424(formatRfc5424(entry({ message }), OPTIONS));
    expect(parsed.msg).toBe(message);
    expect(parsed.structuredData).toHaveLength(1);
  });

  it("makes hostile field names valid SD-NAMEs (printable, no = space ] \", at most 32)", () => {
    const fields = { "a b": 1, "x=y": 2, 'q"': 3, "]": 4, "": 5, "ünï": 6, ["n".repeat(40)]: 7 };
    expect(paramsOf(formatRfc5424(entry({ fields }), OPTIONS)).map(([name]) => name)).toEqual([
      "a_b",
      "x_y",
      "q_",
      "_",
      "-",
      "_n_",
      "n".repeat(32),
    ]);
  });

  describe("property: fields round-trip through the formatter and a strict parser", () => {
    const SD_NAME_CHARS = Array.from({ length: 94 }, (_, i) => String.fromCharCode(33 + i)).filter((c) => !'="]'.includes(c));
    const validName = fc.string({ unit: fc.constantFrom(...SD_NAME_CHARS), minLength: 1, maxLength: 32 });
    const nastyValue = fc.oneof(
      fc.string({ unit: "binary" }),
      fc.string({ unit: fc.constantFrom('"', "\\", "]", "[", "=", " ", "\n", "\r", "a", "é", "😀", "-") }),
    );

    it("valid names and any text values come back as they went in, in order", () => {
      fc.assert(
        fc.property(fc.array(fc.tuple(validName, nastyValue), { maxLength: 12 }), nastyValue, (pairs, message) => {
          // Later duplicates overwrite earlier ones in an object: compare with the object's own entries.
          const fields = Object.fromEntries(pairs);
          const text = formatRfc5424(entry({ fields, message }), OPTIONS);
          const parsed = parseRfc5424(Buffer.from(text, "utf8").toString("utf8"));
          const expected = Object.entries(fields);
          expect(parsed.structuredData).toEqual(expected.length === 0 ? [] : [{ id: "wfkit@32473", params: expected }]);
          expect(parsed.msg).toBe(message === "" ? undefined : message);
        }),
        { numRuns: 500 },
      );
    });

    it("any names come back as valid SD-NAMEs with their values intact", () => {
      fc.assert(
        fc.property(fc.dictionary(fc.string({ unit: "binary", maxLength: 40 }), nastyValue, { maxKeys: 8 }), (fields) => {
          const text = formatRfc5424(entry({ fields }), OPTIONS);
          const sd = parseRfc5424(text).structuredData;
          const params = sd[0]?.params ?? [];
          expect(params.map(([, value]) => value)).toEqual(Object.values(fields));
          for (const [name] of params) expect(name).toMatch(/^[!#-<>-\\^-~]{1,32}$/);
          // the SD part alone (as rsyslog's structured-data property holds it) parses the same
          const header = "<158>1 2024-05-06T07:08:09.123Z host1 wfkit 4242 wfkit.engine.local ";
          expect(parseStructuredData(text.slice(header.length, -" task started".length))).toEqual(sd);
        }),
        { numRuns: 300 },
      );
    });
  });
});
