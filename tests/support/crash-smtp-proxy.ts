// A TCP pass-through between a worker and the emulator's SMTP listener that stops forwarding the
// client's bytes part-way through an upload, so the server sits mid-DATA with part of a message.
// The emulator's own "delay" stall cannot do this: it holds the reply after it stored the message.
// TLS goes through untouched (the proxy only counts bytes), so certificates are verified for real.
import net from "node:net";

export interface SmtpProxy {
  port: number;
  /** Client bytes received and not forwarded, over all connections. */
  heldBytes(): number;
  close(): Promise<void>;
}

export async function startSmtpProxy(
  target: { host: string; port: number },
  options: { holdUploadAfterBytes: number },
): Promise<SmtpProxy> {
  const sockets = new Set<net.Socket>();
  let held = 0;

  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    sockets.add(client).add(upstream);
    let forwarded = 0;

    // Keep reading what the client sends (so it never notices back-pressure), forward only the
    // first bytes of each connection.
    client.on("data", (chunk: Buffer) => {
      const room = Math.max(0, options.holdUploadAfterBytes - forwarded);
      if (room > 0) upstream.write(chunk.subarray(0, room));
      forwarded += Math.min(room, chunk.length);
      held += Math.max(0, chunk.length - room);
    });
    upstream.on("data", (chunk: Buffer) => client.write(chunk));

    // Either side going away (a killed worker) takes the other down, as a dead TCP peer would.
    const teardown = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    for (const socket of [client, upstream]) {
      socket.on("error", teardown);
      socket.on("close", teardown);
      socket.on("end", teardown);
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("The proxy has no TCP port.");

  return {
    port: address.port,
    heldBytes: () => held,
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
