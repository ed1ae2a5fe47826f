// smtp-server with two rules of the relay's applied to every connection: a reply whose text starts
// with an enhanced status code ("5.7.1 …", see relay-reply.ts) goes out as it is, where
// smtp-server would add its own generic one for the code; and AUTH needs TLS first, except from
// loopback (smtp-server's own switch, allowInsecureAuth, is one for every client).
import { SMTPServer, type SMTPServerSession } from "smtp-server";
import { isLoopbackAddress } from "./client-addresses";
import { ENHANCED_CODE } from "./relay-reply";

export type RelayConnection = SMTPServer["connections"] extends Set<infer C> ? C : never;

type ConnectArgs = Parameters<SMTPServer["connect"]>;

export class RelaySmtpServer extends SMTPServer {
  private readonly bySession = new WeakMap<SMTPServerSession, RelayConnection>();

  override connect(...args: ConnectArgs): void {
    // SMTPServer.connect adds the new connection to the set and greets only after a delay, so
    // it can be set up here before it says anything.
    const known = new Set(this.connections);
    super.connect(...args);
    for (const connection of this.connections) {
      if (!known.has(connection)) this.setUp(connection);
    }
  }

  /** The connection a session belongs to, to end it from a handler (e.g. a DATA deadline). */
  connectionOf(session: SMTPServerSession): RelayConnection | undefined {
    return this.bySession.get(session);
  }

  private setUp(connection: RelayConnection): void {
    this.bySession.set(connection.session, connection);

    const send = connection.send.bind(connection);
    connection.send = (code, data, context) => {
      if (typeof data === "string" && ENHANCED_CODE.test(data)) send(code, data, false);
      else send(code, data, context);
    };

    const auth = connection.handler_AUTH.bind(connection);
    connection.handler_AUTH = (command, callback) => {
      if (!connection.secure && !isLoopbackAddress(connection.remoteAddress)) {
        // RFC 3207's reply; whatever credentials came with the command are not looked at.
        send(530, "5.7.0 Must issue a STARTTLS command first", false);
        callback();
        return;
      }
      auth(command, callback);
    };
  }
}
