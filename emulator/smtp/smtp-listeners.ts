// The two Gmail SMTP listeners: implicit TLS (like port 465) and STARTTLS-required (like 587).
import type { Socket } from "node:net";
import type { SMTPServerOptions } from "smtp-server";
import type { EmulatorContext } from "../context";
import type { SmtpListener } from "../types";
import { onData } from "./data-handler";
import { GmailSmtpServer } from "./gmail-smtp-server";
import { AUTH_REQUIRED_MARKER, SERVER_NAME } from "./reply-translator";
import {
  onAuth,
  onConnect,
  onMailFrom,
  onRcptTo,
  onSecure,
  signInRevoked,
} from "./session-handlers";

export interface SmtpListenersOptions {
  host: string;
  smtpsPort: number;
  smtpPort: number;
  tls: { key: string; cert: string };
}

export interface SmtpListeners {
  securePort: number;
  starttlsPort: number;
  close(): Promise<void>;
}

interface Running {
  server: GmailSmtpServer;
  sockets: Set<Socket>;
  port: number;
}

function serverOptions(
  ctx: EmulatorContext,
  listener: SmtpListener,
  tls: SmtpListenersOptions["tls"],
  timers: Set<NodeJS.Timeout>,
): SMTPServerOptions {
  return {
    secure: listener === "smtps",
    key: tls.key,
    cert: tls.cert,
    name: SERVER_NAME,
    authMethods: ["LOGIN", "PLAIN", "XOAUTH2"],
    size: ctx.maxMessageBytes,
    socketTimeout: ctx.smtpIdleTimeoutMs,
    // Gmail does not look the client up, and a reverse lookup would stall offline machines.
    disableReverseLookup: true,
    // smtp-server's own address check answers 501; the emulator checks recipients itself so it
    // can answer Gmail's 553-5.1.2 with the address in it.
    lenientAddressParsing: true,
    maxAllowedUnauthenticatedCommands: false,
    authRequiredMessage: AUTH_REQUIRED_MARKER,
    logger: false,
    onConnect: (session, done) => onConnect(ctx, session, done),
    onSecure: (_socket, session, done) => onSecure(session, done),
    onAuth: (auth, session, done) => onAuth(ctx, auth, session, done),
    onMailFrom: (address, session, done) => onMailFrom(ctx, address, session, done),
    onRcptTo: (address, session, done) => onRcptTo(ctx, address, session, done),
    onData: (stream, session, done) => onData(ctx, timers, stream, session, done),
  };
}

function listen(
  ctx: EmulatorContext,
  listener: SmtpListener,
  host: string,
  port: number,
  options: SMTPServerOptions,
): Promise<Running> {
  const server = new GmailSmtpServer(options, {
    listener,
    maxMessageBytes: ctx.maxMessageBytes,
    log: ctx.log,
    signInRevoked: (state) => signInRevoked(ctx, state),
  });
  // A failed TLS handshake or a client that vanished surfaces as an 'error' event; without a
  // listener that would crash the process.
  server.on("error", (error: Error) => ctx.log(`smtp ${listener}: ${error.message}`));
  const sockets = new Set<Socket>();
  server.server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    ctx.openSmtpConnections += 1;
    socket.once("close", () => {
      sockets.delete(socket);
      ctx.openSmtpConnections -= 1;
    });
  });
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.server.once("error", onError);
    server.listen(port, host, ctx.smtpBacklog, () => {
      server.server.off("error", onError);
      const address = server.server.address();
      resolve({
        server,
        sockets,
        port: typeof address === "object" && address ? address.port : port,
      });
    });
  });
}

function close(running: Running): Promise<void> {
  return new Promise((resolve) => {
    running.server.close(() => resolve());
    // Open sessions would keep the listener alive for smtp-server's 30-second grace period.
    for (const socket of running.sockets) socket.destroy();
  });
}

export async function startSmtpListeners(
  ctx: EmulatorContext,
  options: SmtpListenersOptions,
): Promise<SmtpListeners> {
  const timers = new Set<NodeJS.Timeout>();
  const secure = await listen(
    ctx,
    "smtps",
    options.host,
    options.smtpsPort,
    serverOptions(ctx, "smtps", options.tls, timers),
  );
  let starttls: Running;
  try {
    starttls = await listen(
      ctx,
      "starttls",
      options.host,
      options.smtpPort,
      serverOptions(ctx, "starttls", options.tls, timers),
    );
  } catch (error) {
    await close(secure);
    throw error;
  }
  return {
    securePort: secure.port,
    starttlsPort: starttls.port,
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.all([close(secure), close(starttls)]);
    },
  };
}
