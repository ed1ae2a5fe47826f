// Batching for the PostgreSQL engine (group commit): calls that arrive while a batch is on its way
// wait, and go together in the next batch, so a burst costs one round trip (or one transaction
// and one disk flush) per batch instead of one per call. A lone call goes at once: batching adds
// no wait, it only shares the one a call would have had anyway.

/** One item's answer from a batch write: its result, or the error that refused only it. */
export type Settled<Result> = { ok: true; value: Result } | { ok: false; error: unknown };

interface Waiting<Item, Result> {
  item: Item;
  resolve: (result: Result) => void;
  reject: (error: unknown) => void;
}

export class Batcher<Item, Result> {
  private queue: Waiting<Item, Result>[] = [];
  private writing = false;

  /**
   * `write` commits a batch and settles each item; if it throws, every item of the batch gets
   * that error. A batch takes waiting items in arrival order, up to `limit.items` of them and,
   * when `limit.size` is given, up to `limit.bytes` of their sizes (always at least one item).
   */
  constructor(
    private readonly write: (items: Item[]) => Promise<Settled<Result>[]>,
    private readonly limit: { items: number; bytes?: number; size?: (item: Item) => number },
  ) {}

  submit(item: Item): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  /** How many of the waiting items the next batch takes. */
  private batchLength(): number {
    const { items, bytes, size } = this.limit;
    if (bytes === undefined || size === undefined) return items;
    let total = 0;
    let length = 0;
    for (const waiting of this.queue) {
      total += size(waiting.item);
      if (length >= items || (length > 0 && total > bytes)) break;
      length++;
    }
    return length;
  }

  private async drain(): Promise<void> {
    this.writing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.batchLength());
        try {
          const settled = await this.write(batch.map((w) => w.item));
          batch.forEach((w, i) => {
            const answer = settled[i];
            if (!answer) w.reject(new Error("outbox: a batch write skipped an item"));
            else if (answer.ok) w.resolve(answer.value);
            else w.reject(answer.error);
          });
        } catch (error) {
          for (const w of batch) w.reject(error);
        }
      }
    } finally {
      this.writing = false;
    }
  }
}

/**
 * Writes `items` together with `together`; when that fails for a reason other than the
 * connection, each item is written alone with `alone`, so one bad item refuses only itself.
 */
export async function togetherOrAlone<Item, Result>(
  items: Item[],
  together: (items: Item[]) => Promise<Result[]>,
  alone: (item: Item) => Promise<Result>,
  isConnectionError: (error: unknown) => boolean,
): Promise<Settled<Result>[]> {
  try {
    const values = await together(items);
    return values.map((value) => ({ ok: true, value }));
  } catch (error) {
    if (items.length === 1 || isConnectionError(error)) throw error;
    const settled: Settled<Result>[] = [];
    for (const item of items) {
      try {
        settled.push({ ok: true, value: await alone(item) });
      } catch (itemError) {
        settled.push({ ok: false, error: itemError });
      }
    }
    return settled;
  }
}
