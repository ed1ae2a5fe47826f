// "Something is due" across processes and machines: LISTEN/NOTIFY on one channel. Accepting or
// retrying a message notifies right after its commit; every process with a worker listens on a
// connection of its own and wakes its worker. Polling stays the fallback:
// a lost connection is reopened with backoff, and the worker is woken once it is back in case
// it missed something meanwhile.
import pg from "pg";
import { randomBytes } from "node:crypto";
import { signalDue } from "../due-signal";

export const DUE_CHANNEL = "mailroom_due";

/** This process's tag in notifications: it has already woken its own worker. */
export const PROCESS_TAG = randomBytes(6).toString("hex");

export class DueListener {
  private client: pg.Client | undefined;
  private stopped = false;
  private retryMs = 500;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly url: string) {}

  start(): void {
    if (this.client || this.timer || this.stopped) return;
    void this.connect();
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, application_name: "mailroom-due" });
    this.client = client;
    client.on("notification", (message) => {
      if (message.payload !== PROCESS_TAG) signalDue();
    });
    client.on("error", () => this.lost(client));
    client.on("end", () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${DUE_CHANNEL}`);
      // Keep the process alive only through the worker's own timers, not this connection.
      (
        client as unknown as { connection?: { stream?: { unref?: () => void } } }
      ).connection?.stream?.unref?.();
      this.retryMs = 500;
      // Whatever was notified while this connection was down is found now.
      signalDue();
    } catch {
      this.lost(client);
    }
  }

  private lost(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    client.removeAllListeners("end");
    client.end().catch(() => undefined);
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.connect();
    }, this.retryMs);
    this.timer.unref();
    this.retryMs = Math.min(this.retryMs * 2, 15_000);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    const client = this.client;
    this.client = undefined;
    if (client) {
      client.removeAllListeners("end");
      await client.end().catch(() => undefined);
    }
  }
}
