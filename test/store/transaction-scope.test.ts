/**
 * A callback created inside a transaction (an event listener, a timer) keeps that async context after the
 * transaction ended. Its writes then count as outside: they wait for the transaction open at that time and commit
 * on their own, never inside it (where a rollback or a kill would take them).
 */
import { describe, expect, it } from "vitest";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { note } from "./fixtures.js";

describe("store transactions: a stale async context", () => {
  it("a write from an ended transaction's context does not join the next transaction", async () => {
    const store = openSqliteStore(":memory:");
    let fire = () => {};
    const fired = new Promise<void>((resolve) => {
      fire = resolve;
    });
    let stale: Promise<unknown> = Promise.resolve();
    await store.transaction(async () => {
      // A continuation registered inside the first transaction runs in its async context, after it ended.
      stale = fired.then(() => store.upsertNotes([note("from-a-listener")]));
    });
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const second = store.transaction(async () => {
      await store.upsertNotes([note("rolled-back")]);
      await gate;
      throw new Error("roll back");
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    fire();
    await new Promise((resolve) => setTimeout(resolve, 5));
    release();
    await expect(second).rejects.toThrow("roll back");
    await stale;
    expect(await store.hasNote("rolled-back")).toBe(false);
    expect(await store.hasNote("from-a-listener")).toBe(true);
    await store.close();
  });
});
