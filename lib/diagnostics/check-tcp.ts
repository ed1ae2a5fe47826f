// Step 2: open a TCP connection to the first resolved address that accepts one.
import "server-only";
import { connect, type Socket } from "node:net";
import { track, type DiagnosticSession, type StepOutcome } from "./run-step";

export async function checkTcp(
  session: DiagnosticSession,
  addresses: string[],
): Promise<StepOutcome<Socket>> {
  const { port } = session.target;
  let lastError: unknown = new Error("No address to connect to.");
  for (const address of addresses) {
    if (session.closed) break;
    try {
      const socket = await connectTo(session, address, port);
      const where = address.includes(":") ? `[${address}]:${port}` : `${address}:${port}`;
      return { value: socket, detail: `Connected to ${where}.`, facts: { connectedTo: where } };
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

function connectTo(session: DiagnosticSession, address: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = track(session, connect({ host: address, port }));
    socket.once("error", reject);
    socket.once("connect", () => {
      socket.off("error", reject);
      // Later errors surface through whoever reads the socket next; never as an uncaught event.
      socket.on("error", () => undefined);
      resolve(socket);
    });
  });
}
