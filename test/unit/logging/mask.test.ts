import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { createLogger, type LoggerOptions } from "wfkit/engine";
import { maskUrlCredentials, Masker, MASKED, secretsIn, urlSecrets } from "../../../src/logging/mask.js";

const SECRET = "hunter2-s3cr3t";

function linesOf(options: LoggerOptions, log: (logger: ReturnType<typeof createLogger>) => void): string[] {
  const lines: string[] = [];
  log(createLogger({ level: "info", ...options, destination: (l) => lines.push(l) }));
  return lines;
}

describe("maskUrlCredentials", () => {
  it.each([
    ["amqp://user:pass@host:5672/vhost", `amqp://user:${MASKED}@host:5672/vhost`],
    ["postgresql://etl:p%40ss@db/x?sslmode=require", `postgresql://etl:${MASKED}@db/x?sslmode=require`],
    ["see https://ghp_token@github.example/x and redis://:pw@r:6379", `see https://${MASKED}@github.example/x and redis://:${MASKED}@r:6379`],
    ["mailto:someone@example.org stays", "mailto:someone@example.org stays"],
    ["no url user@example.org", "no url user@example.org"],
    ["https://example.org/path@v2", "https://example.org/path@v2"],
    // What people type that RFC 3986 does not allow, and URL parsers still take.
    ["amqp://admin:Bus SECRET@host:5672/", `amqp://admin:${MASKED}@host:5672/`],
    ["amqp://admin:p@ss:x@host", `amqp://admin:${MASKED}@host`],
    ["amqp://admin:it's@host", `amqp://admin:${MASKED}@host`],
    ['{"url":"amqp://u:p@h","mail":"x@y"}', `{"url":"amqp://u:${MASKED}@h","mail":"x@y"}`],
  ])("%s", (input, expected) => {
    expect(maskUrlCredentials(input)).toBe(expected);
  });

  it("never leaves a password that was in a URL's userinfo", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z][a-z0-9]{0,8}$/), fc.stringMatching(/^[^\s/?#@"'<>:]{1,20}$/), fc.stringMatching(/^[^\s/?#@"'<>]{1,20}$/), (user, pass, host) => {
        fc.pre(!host.includes(pass));
        const text = `connect to amqp://${user}:${pass}@${host}/x now`;
        expect(maskUrlCredentials(text)).not.toContain(`:${pass}@`);
      }),
      { numRuns: 500 },
    );
  });
});

describe("maskUrlCredentials with any password people type", () => {
  it("never leaves the password, whatever it holds besides a line break, /, ?, # or quotes", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z][a-z0-9]{0,8}$/), fc.stringMatching(/^[^\r\n/?#"<>]{1,20}$/), fc.stringMatching(/^[a-z][a-z0-9.-]{0,15}$/), (user, pass, host) => {
        fc.pre(!`${user}${host}`.includes(pass) && !pass.includes("://"));
        const text = `connect to amqp://${user}:${pass}@${host}/x now`;
        expect(maskUrlCredentials(text)).toBe(`connect to amqp://${user}:${MASKED}@${host}/x now`);
        expect(urlSecrets(text)).toEqual([pass]);
      }),
      { numRuns: 500 },
    );
  });
});

describe("Masker.text and a run's secret values", () => {
  const masker = new Masker(["password"]).withSecrets(["s3cr3t-value", "abc", "s3cr3t"]);
  it("masks every occurrence of every secret value of at least four characters, the longest first", () => {
    expect(masker.text("a s3cr3t-value, then s3cr3t, abc")).toBe(`a ${MASKED}, then ${MASKED}, abc`);
    expect(masker.value({ note: ["x s3cr3t y"] }, 0, undefined)).toEqual({ note: [`x ${MASKED} y`] });
  });
});

describe("Masker.learn", () => {
  it("masks what it learned from then on, the longest first, in that instance only", () => {
    const base = new Masker(["password"]);
    const run = base.withSecrets([]);
    expect(run).not.toBe(base);
    expect(run.text("a s3cr3t-value")).toBe("a s3cr3t-value");
    run.learn(["s3cr3t", "abc"]);
    run.learn(["s3cr3t-value", "s3cr3t"]);
    expect(run.text("a s3cr3t-value, s3cr3t, abc")).toBe(`a ${MASKED}, ${MASKED}, abc`);
    expect(run.value({ note: "x s3cr3t" }, 0, undefined)).toEqual({ note: `x ${MASKED}` });
    expect(base.text("a s3cr3t-value")).toBe("a s3cr3t-value");
    expect(base.withSecrets([]).text("s3cr3t")).toBe("s3cr3t");
  });
});

describe("secretsIn", () => {
  const masker = new Masker(["password", "token"]);
  it("collects values under secret keys at any depth, everything when told it is secret, and URL passwords", () => {
    expect(secretsIn({ auth: { token: "t-1", n: 5 }, list: [{ password: 1234 }], dsn: "postgres://u:pw-x@h/db", plain: "fine" }, masker).sort()).toEqual(["1234", "pw-x", "t-1"]);
    expect(secretsIn(["a", { b: "c" }], masker, true)).toEqual(["a", "c"]);
  });
});

describe("Masker", () => {
  const masker = new Masker(["password", "secret", "token", "key", "credential"]);
  it("masks values under secret-looking keys in any case, nested, in arrays, without touching the input", () => {
    const input = { apiKey: SECRET, DB_PASSWORD: SECRET, nested: { auth_token: SECRET, list: [{ clientSecret: SECRET }], fine: 1 }, user: "ann" };
    const out = masker.fields(input);
    expect(JSON.stringify(out)).not.toContain(SECRET);
    expect(out).toMatchObject({ apiKey: MASKED, DB_PASSWORD: MASKED, nested: { auth_token: MASKED, list: [{ clientSecret: MASKED }], fine: 1 }, user: "ann" });
    expect(input.apiKey).toBe(SECRET);
  });

  it("leaves a secret-looking key whose value is absent as it is: nothing was given to hide", () => {
    expect(masker.fields({ token: undefined, password: "" })).toEqual({ token: undefined, password: MASKED });
    expect(masker.value({ nested: { token: undefined } }, 0, undefined)).toEqual({ nested: { token: undefined } });
  });

  it("returns the same object when there is nothing to mask", () => {
    const input = { rows: 3, file: "a.csv" };
    expect(masker.fields(input)).toBe(input);
  });

  it("masks URL credentials inside error messages and stacks", () => {
    const error = new Error(`connect ECONNREFUSED amqp://guest:${SECRET}@localhost`);
    const out = masker.fields({ error }) as { error: Error };
    expect(out.error.message).not.toContain(SECRET);
    expect(out.error.stack).not.toContain(SECRET);
    expect(out.error).toBeInstanceOf(Error);
    expect(error.message).toContain(SECRET);
  });

  it("survives cycles", () => {
    const a: Record<string, unknown> = { token: SECRET };
    a["self"] = a;
    expect(JSON.stringify((masker.fields({ a }) as { a: Record<string, unknown> }).a["token"])).toBe(JSON.stringify(MASKED));
  });
});

describe("secrets never reach a log line, in any format", () => {
  for (const format of ["json", "logfmt", "ltsv", "pretty"] as const) {
    it(format, () => {
      const lines = linesOf({ format, consoleFormat: format === "pretty" ? "{message}{*}" : undefined }, (root) => {
        const task = root.child("Load", { dsn: `postgres://etl:${SECRET}@db/x`, password: SECRET });
        task.bind({ apiKey: SECRET }).info(`connecting to amqp://guest:${SECRET}@mq`, {
          token: SECRET,
          config: { WF_EVENTS_URL: `amqp://u:${SECRET}@h`, nested: { secret_value: SECRET } },
          error: new Error(`failed at https://x:${SECRET}@api`),
        });
      });
      expect(lines).toHaveLength(1);
      expect(lines[0]).not.toContain(SECRET);
      expect(lines[0]).toContain(MASKED);
    });
  }

  it("the mask words are configurable", () => {
    const lines = linesOf({ maskKeys: ["pin"] }, (root) => root.info("x", { PIN: "1234", token: "visible" }));
    expect(JSON.parse(lines[0]!)).toMatchObject({ PIN: MASKED, token: "visible" });
  });
});
