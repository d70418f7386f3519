import { describe, expect, it } from "vitest";
import { createFakeClock, systemSleep } from "../../src/core/clock.js";

describe("createFakeClock", () => {
  it("starts at the given time and only moves when advanced", async () => {
    const fake = createFakeClock(1_000);
    expect(fake.clock.now()).toBe(1_000);
    await fake.advance(250);
    expect(fake.now()).toBe(1_250);
  });

  it("wakes sleepers in due order, only once virtual time passes them", async () => {
    const fake = createFakeClock(0);
    const woke: string[] = [];
    void fake.sleep(300).then(() => woke.push(`b@${fake.now()}`));
    void fake.sleep(100).then(() => woke.push(`a@${fake.now()}`));
    await fake.advance(99);
    expect(woke).toEqual([]);
    await fake.advance(1);
    expect(woke).toEqual(["a@100"]);
    await fake.advance(1_000);
    expect(woke).toEqual(["a@100", "b@300"]);
    expect(fake.now()).toBe(1_100);
    expect(fake.sleeps).toEqual([300, 100]);
  });

  it("wakes a sleep scheduled by a woken sleeper inside the same window", async () => {
    const fake = createFakeClock(0);
    let doneAt = -1;
    void (async () => {
      await fake.sleep(100);
      await fake.sleep(100);
      doneAt = fake.now();
    })();
    await fake.advance(250);
    expect(doneAt).toBe(200);
  });

  it("runAll drains chains of sleeps and reports a loop that never ends", async () => {
    const fake = createFakeClock(0);
    let steps = 0;
    void (async () => {
      for (let i = 0; i < 5; i++) {
        await fake.sleep(1_000);
        steps++;
      }
    })();
    await fake.runAll();
    expect(steps).toBe(5);
    expect(fake.now()).toBe(5_000);
    expect(fake.pending()).toBe(0);

    const forever = createFakeClock(0);
    let stop = false;
    void (async () => {
      while (!stop) await forever.sleep(1);
    })();
    await expect(forever.runAll(50)).rejects.toThrow(/still 1 sleeper/);
    stop = true;
    await forever.runAll();
  });

  it("rejects a sleep with the signal's reason on abort and forgets it", async () => {
    const fake = createFakeClock(0);
    const controller = new AbortController();
    const pending = fake.sleep(1_000, controller.signal);
    expect(fake.pending()).toBe(1);
    controller.abort(new Error("stop"));
    await expect(pending).rejects.toThrow("stop");
    expect(fake.pending()).toBe(0);
    await expect(fake.sleep(5, controller.signal)).rejects.toThrow("stop");
  });

  it("next() wakes only the earliest sleeper", async () => {
    const fake = createFakeClock(0);
    void fake.sleep(50);
    void fake.sleep(70);
    expect(await fake.next()).toBe(true);
    expect(fake.now()).toBe(50);
    expect(fake.pending()).toBe(1);
    expect(await fake.next()).toBe(true);
    expect(await fake.next()).toBe(false);
  });
});

describe("systemSleep", () => {
  it("rejects at once when the signal is already aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(systemSleep(60_000, controller.signal)).rejects.toMatchObject({ name: "AbortError" });
  });
});
