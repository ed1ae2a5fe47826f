// The PostgreSQL engine's batching (group commit): what arrives during a write goes in the next
// one, within its limits, and one bad item refuses only itself.
import { describe, expect, it } from "vitest";
import { Batcher, togetherOrAlone, type Settled } from "../../lib/outbox/postgres/batcher";

/** A write that records each batch and finishes when the test says so. */
function heldWrites() {
  const batches: number[][] = [];
  const release: (() => void)[] = [];
  const write = (items: number[]): Promise<Settled<number>[]> => {
    batches.push(items);
    return new Promise((resolve) =>
      release.push(() => resolve(items.map((value) => ({ ok: true, value: value * 10 })))),
    );
  };
  return { batches, release, write };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("Batcher", () => {
  it("writes a lone item at once, and what arrives meanwhile together in the next batch", async () => {
    const held = heldWrites();
    const batcher = new Batcher(held.write, { items: 100 });
    const first = batcher.submit(1);
    expect(held.batches).toEqual([[1]]);
    const rest = [2, 3, 4].map((n) => batcher.submit(n));
    await tick();
    expect(held.batches).toEqual([[1]]);
    held.release.shift()?.();
    await expect(first).resolves.toBe(10);
    await tick();
    expect(held.batches).toEqual([[1], [2, 3, 4]]);
    held.release.shift()?.();
    await expect(Promise.all(rest)).resolves.toEqual([20, 30, 40]);
  });

  it("keeps a batch within its item and byte limits, but always takes one item", async () => {
    const held = heldWrites();
    const batcher = new Batcher(held.write, { items: 3, bytes: 100, size: (n) => n });
    const all = [1, 5, 6, 7, 90, 20, 150, 2].map((n) => batcher.submit(n));
    for (let i = 0; i < 6; i++) {
      await tick();
      held.release.shift()?.();
    }
    await Promise.all(all);
    // [1] alone (written at once); then 3 items; then 90 (+20 is past 100 bytes); then 20, and
    // 150 alone although it is past the limit on its own.
    expect(held.batches).toEqual([[1], [5, 6, 7], [90], [20], [150], [2]]);
  });

  it("gives every item of a failed batch the batch's error, and goes on with the next", async () => {
    let calls = 0;
    const batcher = new Batcher<number, number>(
      (items) => {
        calls++;
        return calls === 2
          ? Promise.reject(new Error("down"))
          : Promise.resolve(items.map((value) => ({ ok: true as const, value })));
      },
      { items: 10 },
    );
    const first = batcher.submit(1);
    const failed = [batcher.submit(2), batcher.submit(3)];
    await expect(first).resolves.toBe(1);
    for (const item of failed) await expect(item).rejects.toThrow("down");
    await expect(batcher.submit(4)).resolves.toBe(4);
  });
});

describe("togetherOrAlone", () => {
  const isConnectionError = (error: unknown) => (error as Error).message === "connection lost";

  it("writes each item alone after the batch fails, so only the bad one is refused", async () => {
    const alone: number[] = [];
    const settled = await togetherOrAlone(
      [1, 2, 3],
      () => Promise.reject(new Error("item 2 is bad")),
      (n) => {
        alone.push(n);
        return n === 2 ? Promise.reject(new Error("item 2 is bad")) : Promise.resolve(n * 10);
      },
      isConnectionError,
    );
    expect(alone).toEqual([1, 2, 3]);
    expect(settled.map((s) => (s.ok ? s.value : (s.error as Error).message))).toEqual([
      10,
      "item 2 is bad",
      30,
    ]);
  });

  it("does not retry item by item when the connection is lost", async () => {
    let alone = 0;
    await expect(
      togetherOrAlone(
        [1, 2],
        () => Promise.reject(new Error("connection lost")),
        (n) => {
          alone++;
          return Promise.resolve(n);
        },
        isConnectionError,
      ),
    ).rejects.toThrow("connection lost");
    expect(alone).toBe(0);
  });
});
