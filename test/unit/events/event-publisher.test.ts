// startEventPublisher, the engines' way to publish events (wfkit/engine), without a broker: its
// errors, and that events wait in the spool while the broker is unreachable. Publishing to a
// real RabbitMQ is in test/integration/events-bus.test.ts.
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { BusUnavailableError, compileEventsOptions, createEvent, createLogger, EventsOptionsError, startEventPublisher } from "wfkit/engine";
import { closedPort } from "../../support/loopback.js";

const origin = { runId: "pub-unit", dagId: "pub_1.0.0", workflowName: "pub", version: "1.0.0", engine: "local" as const };

function quietLogger(): { lines: string[]; logger: ReturnType<typeof createLogger> } {
  const lines: string[] = [];
  return { lines, logger: createLogger({ level: "debug", format: "json", destination: (line) => lines.push(line) }) };
}

describe("startEventPublisher", () => {
  it("needs a bus URL", async () => {
    const home = mkdtempSync(path.join(tmpdir(), "wfkit-publisher-"));
    const error = await startEventPublisher(compileEventsOptions({}, home), quietLogger().logger).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(EventsOptionsError);
    expect((error as Error).message).toContain("busUrl: no bus to publish to");
  });

  it("returns the publisher interface only, and spools what it cannot publish while the broker is unreachable", async () => {
    const home = mkdtempSync(path.join(tmpdir(), "wfkit-publisher-"));
    const port = await closedPort("tcp");
    const options = compileEventsOptions({ busUrl: `amqp://guest:guest@127.0.0.1:${port}`, publishTimeoutSeconds: 0.2 }, home);
    const { lines, logger } = quietLogger();
    const publisher = await startEventPublisher(options, logger);
    expect(Object.keys(publisher).sort()).toEqual(["close", "flush", "publish", "stats"]);

    const event = createEvent(origin, "custom", { name: "hello", payload: {} }, { task: "T", attempt: 1 });
    publisher.publish(event);
    const stats = await publisher.close();

    expect(stats).toMatchObject({ confirmed: 0, rejected: 0, left: 1 });
    expect(path.dirname(stats.spoolFile)).toBe(options.spoolDir);
    const spooled = readdirSync(options.spoolDir).filter((f) => f.endsWith(".jsonl"));
    expect(spooled).toHaveLength(1);
    expect(readFileSync(path.join(options.spoolDir, spooled[0]!), "utf8")).toContain(event.id);
    // Its log lines go to the `wfkit.events.bus` child of the logger it was given.
    expect(lines.some((line) => (JSON.parse(line) as { logger?: string }).logger === "wfkit.events.bus")).toBe(true);
    await logger.close();
  });

  it("strict mode: an unreachable broker is an error at start", async () => {
    const home = mkdtempSync(path.join(tmpdir(), "wfkit-publisher-"));
    const port = await closedPort("tcp");
    const options = compileEventsOptions({ busUrl: `amqp://guest:guest@127.0.0.1:${port}`, strict: true, publishTimeoutSeconds: 0.5 }, home);
    const error = await startEventPublisher(options, quietLogger().logger).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BusUnavailableError);
  });
});
