import { describe, expect, it } from "vitest";
import { ProgressTracker } from "wfkit";
import { RateMeter, etaSeconds } from "../../../src/progress/rate-meter.js";

describe("RateMeter", () => {
  it("averages since the start over the first moves, then follows the recent rate; a stall does not zero it", () => {
    let now = Date.now();
    const t = new ProgressTracker("rows", 1000);
    // The tracker started "now"; time moves only through the injected clock.
    Object.defineProperty(t, "startedAt", { value: now });
    const meter = new RateMeter(() => now);
    expect(meter.rate(t)).toBeUndefined();
    for (let i = 1; i <= 5; i++) {
      now += 1000;
      t.advance(10);
      expect(meter.rate(t)).toBeCloseTo(10);
    }
    // Much faster now: the moving average climbs toward 100/s.
    let rate = 0;
    for (let i = 0; i < 10; i++) {
      now += 1000;
      t.advance(100);
      rate = meter.rate(t)!;
    }
    expect(rate).toBeGreaterThan(95);
    // A stall keeps the last rate (as tqdm does) rather than dropping it to zero.
    now += 5000;
    expect(meter.rate(t)).toBe(rate);
    // Closed: the average over its whole life.
    t.done();
    // done() stamps the real clock; pin the end to the injected one, or a fast machine sees
    // a zero-length life (no rate) instead of the 20 s this test lived through.
    Object.defineProperty(t, "endedAt", { value: now });
    expect(t.completed).toBe(1050);
    expect(meter.rate(t)).toBeCloseTo(1050 / 20);
  });

  it("estimates the time left only with a total and a positive rate", () => {
    expect(etaSeconds(40, 100, 20)).toBe(3);
    expect(etaSeconds(40, undefined, 20)).toBeUndefined();
    expect(etaSeconds(40, 100, 0)).toBeUndefined();
    expect(etaSeconds(120, 100, 5)).toBe(0);
  });
});
