// A minimal SMTP client conversation over a socket: send a line, read one (multi-line) reply.
// Diagnostics speak SMTP themselves so they can show Gmail's exact reply text.
import "server-only";
import type { Socket } from "node:net";
import { StringDecoder } from "node:string_decoder";

export interface SmtpReply {
  code: number;
  lines: string[];
  /** The reply as the server sent it, lines joined with "\n". */
  text: string;
}

/** The server closed the connection or the socket failed while a reply was awaited. */
export class SmtpConnectionError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = "SmtpConnectionError";
  }
}

interface Waiter {
  resolve: (reply: SmtpReply) => void;
  reject: (error: Error) => void;
}

const LAST_LINE = /^(\d{3})(?: |$)/;

export class SmtpDialogue {
  private buffer = "";
  private readonly decoder = new StringDecoder("utf8");
  private pending: string[] = [];
  private replies: SmtpReply[] = [];
  private waiter?: Waiter;
  private failure?: Error;

  constructor(private readonly socket: Socket) {
    socket.on("data", this.onData);
    socket.on("error", this.onError);
    socket.on("close", this.onClose);
  }

  /** Stops listening, e.g. before the socket is handed to tls.connect for STARTTLS. */
  detach(): void {
    this.socket.off("data", this.onData);
    this.socket.off("error", this.onError);
    this.socket.off("close", this.onClose);
  }

  read(): Promise<SmtpReply> {
    const next = this.replies.shift();
    if (next) return Promise.resolve(next);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  /** Writes one command line. The caller must never log `line` itself: it may carry a token. */
  async command(line: string): Promise<SmtpReply> {
    this.socket.write(`${line}\r\n`);
    return this.read();
  }

  /** Says goodbye, waiting at most `ms` for the server's 221. */
  async quit(ms = 1000): Promise<void> {
    if (this.socket.destroyed || !this.socket.writable) return;
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
    await Promise.race([
      this.command("QUIT").then(
        () => undefined,
        () => undefined,
      ),
      gaveUp,
    ]);
    clearTimeout(timer);
  }

  private onData = (chunk: string | Buffer): void => {
    this.buffer += typeof chunk === "string" ? chunk : this.decoder.write(chunk);
    let newline: number;
    while ((newline = this.buffer.indexOf("\n")) >= 0) {
      const line = this.buffer.slice(0, newline).replace(/\r$/, "");
      this.buffer = this.buffer.slice(newline + 1);
      this.pending.push(line);
      const last = LAST_LINE.exec(line);
      if (last) {
        this.deliver({ code: Number(last[1]), lines: this.pending, text: this.pending.join("\n") });
        this.pending = [];
      }
    }
  };

  private onError = (error: Error): void => {
    this.fail(error);
  };

  private onClose = (): void => {
    this.fail(new SmtpConnectionError("The server closed the connection.", "ECONNRESET"));
  };

  private deliver(reply: SmtpReply): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    if (waiter) waiter.resolve(reply);
    else this.replies.push(reply);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.reject(this.failure);
  }
}

/** The EHLO keywords a server advertises ("AUTH LOGIN PLAIN XOAUTH2", "STARTTLS", …). */
export function ehloKeywords(reply: SmtpReply): string[] {
  return reply.lines.slice(1).map((line) => line.slice(4).trim().toUpperCase());
}
