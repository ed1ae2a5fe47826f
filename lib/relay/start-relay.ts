// Mailroom's SMTP submission relay: programs that speak only SMTP log in with an API key as the
// password and hand over messages, which go into the outbox like every other; the client hears
// 250 only once its message is durably accepted. STARTTLS on RELAY_PORT (required before AUTH
// except from loopback) and implicit TLS on RELAY_TLS_PORT; never an open relay.
import "server-only";
import type {
  SMTPServerAddress,
  SMTPServerAuthentication,
  SMTPServerAuthenticationResponse,
  SMTPServerDataStream,
  SMTPServerOptions,
  SMTPServerSession,
} from "smtp-server";
import { authenticateApiKeySecret, type ApiKeyIdentity } from "../api-keys/authenticate-api-key";
import { takeKeyRequest } from "../api-keys/key-rate-limit";
import { recordKeyUse } from "../api-keys/record-key-use";
import { env } from "../env";
import { oneLine } from "../errors/one-line";
import { MAX_MESSAGE_BYTES, MAX_RECIPIENTS, parseAddressList } from "../mail/message-input";
import { clientAddress, ConnectionsPerAddress } from "./client-addresses";
import { relayCertificate, type RelayCertificate } from "./relay-certificate";
import { relayHostname } from "./relay-settings";
import { RelayReply, relayReplies, replyForAppError } from "./relay-reply";
import { RelaySmtpServer } from "./relay-smtp-server";
import { submitRelayMessage } from "./submit-relay-message";

export interface RelayOptions {
  /** STARTTLS listener (0: any free port). Default RELAY_PORT. */
  port: number;
  /** Implicit-TLS listener. Default RELAY_TLS_PORT. */
  tlsPort?: number;
  /** Address to listen on (default: every interface). */
  host?: string;
  /** Default: RELAY_TLS_CERT / RELAY_TLS_KEY, else the generated one (relay-certificate.ts). */
  certificate?: RelayCertificate;
  maxConnectionsPerAddress?: number;
  /** A connection that says nothing for this long is closed (default 60 s). */
  idleTimeoutMs?: number;
  /** A message must arrive whole within this long after DATA (default 10 minutes). */
  dataTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface RelayHandle {
  port: number;
  tlsPort: number | undefined;
  certificate: RelayCertificate;
  /** Stops listening, lets messages being accepted finish (up to 10 s), then closes the rest. */
  stop(): Promise<void>;
}

/** What the relay knows of one connection's login. */
interface Login {
  /** Kept to check the key again for each message: a revoked key stops at once. */
  secret: string;
  key: ApiKeyIdentity;
  username: string;
}

const MAX_FAILED_LOGINS = 3;
const MAX_CLIENTS = 1_000;
const STOP_GRACE_MS = 10_000;

export async function startRelay(overrides: Partial<RelayOptions> = {}): Promise<RelayHandle> {
  const config = env();
  const port = overrides.port ?? config.RELAY_PORT;
  if (port === undefined) throw new Error("The relay needs RELAY_PORT.");
  const options: RelayOptions = {
    tlsPort: config.RELAY_TLS_PORT,
    maxConnectionsPerAddress: config.RELAY_MAX_CONNECTIONS_PER_IP,
    idleTimeoutMs: 60_000,
    dataTimeoutMs: 10 * 60_000,
    log: (line) => console.log(line),
    ...overrides,
    port,
  };
  const log = options.log ?? (() => undefined);
  const certificate =
    options.certificate ??
    (await relayCertificate({
      certFile: config.RELAY_TLS_CERT,
      keyFile: config.RELAY_TLS_KEY,
      hostname: relayHostname(),
    }));

  const logins = new WeakMap<SMTPServerSession, Login>();
  const failedLogins = new WeakMap<SMTPServerSession, number>();
  const perAddress = new ConnectionsPerAddress(options.maxConnectionsPerAddress ?? 10);
  let receiving = 0;
  const servers: RelaySmtpServer[] = [];

  const serverOptions = (secure: boolean): SMTPServerOptions => ({
    secure,
    key: certificate.keyPem,
    cert: certificate.certPem,
    name: relayHostname(),
    banner: "Mailroom relay",
    authMethods: ["PLAIN", "LOGIN"],
    // relay-smtp-server.ts asks for TLS before AUTH itself, except from loopback.
    allowInsecureAuth: true,
    authRequiredMessage: "Authentication required",
    size: MAX_MESSAGE_BYTES,
    rejectOversized: true,
    maxRecipients: MAX_RECIPIENTS,
    maxClients: MAX_CLIENTS,
    socketTimeout: options.idleTimeoutMs,
    closeTimeout: STOP_GRACE_MS,
    hideENHANCEDSTATUSCODES: false,
    disableReverseLookup: true,
    logger: false,
    onConnect(session, done) {
      done(perAddress.admit(session) ? null : relayReplies.tooManyConnections());
    },
    onClose(session) {
      perAddress.release(session);
    },
    onSecure(_socket, session, done) {
      // STARTTLS starts the session over (RFC 3207): a login made before it does not count.
      logins.delete(session);
      done();
    },
    onAuth,
    onMailFrom,
    onRcptTo,
    onData: (stream, session, done) => onData(stream, session, done),
  });

  function onAuth(
    auth: SMTPServerAuthentication,
    session: SMTPServerSession,
    done: (error: Error | null | undefined, response?: SMTPServerAuthenticationResponse) => void,
  ): void {
    const secret = (auth.password ?? "").trim();
    authenticateApiKeySecret(secret).then(
      (key) => {
        logins.set(session, { secret, key, username: auth.username ?? "" });
        recordKeyUse(key.id, "relay", clientAddress(session));
        done(null, { user: key.id });
      },
      (error: unknown) => {
        const failures = (failedLogins.get(session) ?? 0) + 1;
        failedLogins.set(session, failures);
        if (failures >= MAX_FAILED_LOGINS) return done(relayReplies.tooManyFailedLogins());
        done(refusal(error, "AUTH"));
      },
    );
  }

  function onMailFrom(
    address: SMTPServerAddress,
    session: SMTPServerSession,
    done: (error?: Error | null) => void,
  ): void {
    void (async () => {
      const login = logins.get(session);
      if (!login) throw new RelayReply(530, "5.7.0", "Authentication required");
      // The key as it is now, for each message: revoked, it is refused from the next one.
      login.key = await authenticateApiKeySecret(login.secret);
      await takeKeyRequest(login.key.id);
      recordKeyUse(login.key.id, "relay", clientAddress(session));
      if (!login.key.allowedFrom.includes(address.address.toLowerCase())) {
        throw relayReplies.fromNotAllowed(address.address);
      }
    })().then(
      () => done(),
      (error: unknown) => done(refusal(error, "MAIL FROM")),
    );
  }

  function onRcptTo(
    address: SMTPServerAddress,
    _session: SMTPServerSession,
    done: (error?: Error | null) => void,
  ): void {
    const parsed = parseAddressList(address.address);
    const valid = parsed.ok && parsed.value.length === 1;
    done(valid ? null : relayReplies.badRecipient(address.address));
  }

  function onData(
    stream: SMTPServerDataStream,
    session: SMTPServerSession,
    done: (error?: Error | null, message?: string) => void,
  ): void {
    receiving++;
    let finished = false;
    /** Ends this message's turn: true the first time, false once it has ended. */
    const end = () => {
      if (finished) return false;
      finished = true;
      receiving--;
      clearTimeout(deadline);
      return true;
    };
    const finish = (error: Error | null, message?: string) => {
      if (end()) done(error, message);
    };
    // A client that trickles its message in keeps the idle timer from firing; this does not.
    const deadline: NodeJS.Timeout = setTimeout(() => {
      if (!end()) return;
      const connection = servers.map((s) => s.connectionOf(session)).find(Boolean);
      connection?.send(421, relayReplies.tooSlow().message);
    }, options.dataTimeoutMs);

    const chunks: Buffer[] = [];
    let bytes = 0;
    stream.on("data", (chunk: Buffer) => {
      bytes += chunk.length;
      // Past the limit smtp-server answers 552 itself; nothing more is kept.
      if (bytes <= MAX_MESSAGE_BYTES) chunks.push(chunk);
    });
    // The client went away mid-message: nobody to answer.
    stream.on("error", end);
    stream.on("end", () => {
      if (finished) return;
      if (stream.sizeExceeded || bytes > MAX_MESSAGE_BYTES) return finish(null);
      const login = logins.get(session);
      if (!login) return finish(new RelayReply(530, "5.7.0", "Authentication required"));
      submitRelayMessage({
        key: login.key,
        username: login.username,
        clientAddress: clientAddress(session),
        recipients: session.envelope.rcptTo.map((r) => r.address),
        raw: Buffer.concat(chunks, bytes),
      }).then(
        ({ id }) => finish(null, `Message queued as ${id}`),
        (error: unknown) => finish(refusal(error, "DATA")),
      );
    });
  }

  /** The reply for a failure; an unexpected one is logged (one line, no secrets) and deferred. */
  function refusal(error: unknown, step: string): RelayReply {
    const reply = replyForAppError(error);
    if (reply) return reply;
    log(`relay: ${step} failed: ${oneLine(error)}`);
    return step === "AUTH" ? relayReplies.cannotCheckKey() : relayReplies.internal();
  }

  const listen = async (secure: boolean, port: number) => {
    const server = new RelaySmtpServer(serverOptions(secure));
    let listening = false;
    // A failed TLS handshake or a vanished client surfaces here; it must not end the process.
    // (Before listening, the error is the caller's: the port is taken, say.)
    server.on("error", (error: Error) => {
      if (listening) log(`relay: ${oneLine(error)}`);
    });
    servers.push(server);
    await new Promise<void>((resolve, reject) => {
      server.server.once("error", reject);
      server.listen(port, options.host, () => {
        server.server.off("error", reject);
        listening = true;
        resolve();
      });
    });
    const address = server.server.address();
    return typeof address === "object" && address ? address.port : port;
  };

  const stopAll = async () => {
    const closed = servers.map((server) => new Promise<void>((r) => server.close(() => r())));
    const until = Date.now() + STOP_GRACE_MS;
    while (receiving > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 25));
    for (const server of servers) {
      for (const connection of server.connections) {
        connection.send(421, relayReplies.shuttingDown().message);
      }
    }
    await Promise.all(closed);
  };

  try {
    const boundPort = await listen(false, options.port);
    const tlsPort = options.tlsPort === undefined ? undefined : await listen(true, options.tlsPort);
    return { port: boundPort, tlsPort, certificate, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** The line a process prints once its relay listens: ports, TLS modes and the certificate. */
export function relayStartedLine(relay: RelayHandle): string {
  const ports = [`${relay.port} (STARTTLS)`];
  if (relay.tlsPort !== undefined) ports.push(`${relay.tlsPort} (implicit TLS)`);
  const origin = relay.certificate.generated ? "generated, kept in" : "from";
  return `Mailroom relay listening on port ${ports.join(" and ")}; certificate SHA-256 ${relay.certificate.fingerprint256} (${origin} ${relay.certificate.file})`;
}

/**
 * The relay inside the web server (instrumentation.ts). Next would go on serving with its start-up
 * half done if this threw; a relay that was asked for and cannot listen stops the server instead,
 * with one line saying why.
 */
export async function startRelayInServer(): Promise<void> {
  try {
    console.log(relayStartedLine(await startRelay()));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    console.error(`Mailroom: the SMTP relay (RELAY_PORT) could not start: ${reason}`);
    process.exit(1);
  }
}
