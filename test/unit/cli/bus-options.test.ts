import { describe, expect, it } from "vitest";
import { BusAccessRefusedError, BusUnavailableError } from "wfkit/engine";
import { busConnectError, chooseBusUrl, chooseExchange } from "../../../cli/bus-options.js";
import { BusSetupError, UsageError } from "../../../cli/errors.js";

describe("chooseBusUrl", () => {
  it("--bus, else WF_BUS_URL, else the fallback, saying which", () => {
    expect(chooseBusUrl("amqp://u:p@flag", "amqp://env", "amqp://localhost")).toEqual({ url: "amqp://u:p@flag", masked: "amqp://u:[masked]@flag", source: "--bus" });
    expect(chooseBusUrl(undefined, "amqp://env", "amqp://localhost")?.source).toBe("WF_BUS_URL");
    expect(chooseBusUrl(undefined, undefined, "amqp://localhost")?.source).toBe("default");
    expect(chooseBusUrl(undefined, undefined)).toBeUndefined();
  });

  it("a bad --bus is a UsageError that never repeats its password", () => {
    const message = (flag: string) => {
      try {
        chooseBusUrl(flag, undefined);
      } catch (error) {
        expect(error).toBeInstanceOf(UsageError);
        return (error as Error).message;
      }
      throw new Error("no error");
    };
    expect(message("http://u:secret1@host")).toBe('--bus "http://u:[masked]@host": must be an amqp:// or amqps:// URL with a host, e.g. amqp://guest:guest@127.0.0.1:5672');
    expect(message("amqp//u:secret2@host")).not.toContain("secret2");
    expect(message("localhost")).toContain('--bus "localhost"');
  });

  it("--exchange: 1 to 255 bytes", () => {
    expect(chooseExchange(undefined, "wfkit.events")).toBe("wfkit.events");
    expect(chooseExchange("mine", "wfkit.events")).toBe("mine");
    expect(() => chooseExchange("", "x")).toThrow(UsageError);
    expect(() => chooseExchange("é".repeat(128), "x")).toThrow(/1 to 255 bytes/);
  });
});

describe("busConnectError", () => {
  const bus = { url: "amqp://guest:pw@127.0.0.1:5672/prod", masked: "amqp://guest:[masked]@127.0.0.1:5672/prod", source: "WF_BUS_URL" as const };

  it("names what the broker refused and where to fix it", () => {
    const login = busConnectError(new Error('Handshake terminated by server: 403 (ACCESS-REFUSED) with message "ACCESS_REFUSED - Login was refused"'), bus, "x");
    expect(login).toBeInstanceOf(BusAccessRefusedError);
    expect(login.message).toMatch(/^the event bus amqp:\/\/guest:\[masked\]@127\.0\.0\.1:5672\/prod refused the login \(.*\): fix the user or password in WF_BUS_URL$/);
    const vhost = busConnectError(new Error("Expected ConnectionOpenOk; got <ConnectionClose channel:0>"), bus, "x");
    expect([vhost.constructor, vhost.message]).toEqual([BusAccessRefusedError, expect.stringContaining('virtual host "prod"')]);
    const perms = busConnectError(new Error(`Channel closed by server: 403 (ACCESS-REFUSED) with message "ACCESS_REFUSED - access to exchange 'x' refused"`), bus, "x");
    expect([perms.constructor, perms.message]).toEqual([BusAccessRefusedError, expect.stringContaining('refused access to exchange "x"')]);
    const kind = busConnectError(new Error(`Channel closed by server: 406 (PRECONDITION-FAILED) with message "PRECONDITION_FAILED - inequivalent arg 'type'"`), bus, "x");
    expect([kind.constructor, kind.message]).toEqual([BusSetupError, expect.stringContaining("use another exchange (--exchange or WF_BUS_EXCHANGE)")]);
  });

  it("anything else is the broker out of reach; the default URL says how to point elsewhere", () => {
    const down = busConnectError(new Error("connect ECONNREFUSED 127.0.0.1:5672"), bus, "x");
    expect(down).toBeInstanceOf(BusUnavailableError);
    expect(down.message).toBe("cannot reach the event bus amqp://guest:[masked]@127.0.0.1:5672/prod (connect ECONNREFUSED 127.0.0.1:5672): start the broker or fix the URL in WF_BUS_URL");
    const local = busConnectError(new Error("connect ECONNREFUSED 127.0.0.1:5672"), { url: "amqp://localhost", masked: "amqp://localhost", source: "default" }, "x");
    expect(local.message).toContain("start RabbitMQ on this host, or point --bus or WF_BUS_URL at your broker");
    expect(busConnectError(new Error("failed for amqp://u:pw2@h"), bus, "x").message).not.toContain("pw2");
  });
});
