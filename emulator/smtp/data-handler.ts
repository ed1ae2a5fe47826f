// The DATA phase: size limit, injected failures and stalls, the rolling quota, then the mailbox.
import type { SMTPServerDataStream, SMTPServerSession } from "smtp-server";
import type { EmulatorContext } from "../context";
import { parseIncoming } from "../mailbox";
import { connectionState } from "./connection-state";
import {
  dataAccepted,
  encodeReply,
  GMAIL_REPLIES,
  GmailReplyError,
  type GmailReply,
} from "./gmail-replies";

type DataDone = (err?: Error | null, message?: string) => void;

export function onData(
  ctx: EmulatorContext,
  timers: Set<NodeJS.Timeout>,
  stream: SMTPServerDataStream,
  session: SMTPServerSession,
  done: DataDone,
): void {
  const state = connectionState(session);
  const account = state.account ?? "";
  const random = ctx.faults.rollRandomFault();
  const stall = ctx.faults.takeStall() ?? random.stall;
  const chunks: Buffer[] = [];
  let received = 0;
  let dropped = false;

  stream.on("data", (chunk: Buffer) => {
    if (dropped) return;
    received += chunk.length;
    // Past the limit the bytes are only counted: the message is refused anyway.
    if (!stream.sizeExceeded) chunks.push(chunk);
    if (stall?.action === "drop" && received >= stall.afterBytes) {
      dropped = true;
      ctx.log(`smtp: dropping the connection after ${received} bytes of DATA (stallNext)`);
      state.connection?._socket.destroy();
    }
  });
  // smtp-server destroys the stream with an error when the client goes away mid-message.
  stream.on("error", () => {
    dropped = true;
  });
  stream.once("end", () => {
    if (dropped) {
      done(new GmailReplyError(GMAIL_REPLIES.temporarilyRejected));
      return;
    }
    void decide(
      ctx,
      session,
      account,
      stream.sizeExceeded,
      Buffer.concat(chunks),
      random.reply,
    ).then(
      (reply) => answer(reply),
      (error: unknown) => {
        ctx.log(`smtp: failed to store a message: ${String(error)}`);
        answer(GMAIL_REPLIES.temporarilyRejected);
      },
    );
  });

  function answer(reply: GmailReply): void {
    const send = () =>
      reply.code === 250 ? done(null, encodeReply(reply)) : done(new GmailReplyError(reply));
    if (stall?.action !== "delay") return send();
    ctx.log(`smtp: holding the DATA reply for ${stall.ms} ms (stallNext)`);
    const timer = setTimeout(() => {
      timers.delete(timer);
      send();
    }, stall.ms);
    timers.add(timer);
  }
}

async function decide(
  ctx: EmulatorContext,
  session: SMTPServerSession,
  account: string,
  sizeExceeded: boolean,
  raw: Buffer,
  randomReply: GmailReply | undefined,
): Promise<GmailReply> {
  if (sizeExceeded) return GMAIL_REPLIES.tooBig;
  const failure = ctx.faults.takeFailure("data", account) ?? randomReply;
  if (failure) return failure;

  const rcptTo = session.envelope.rcptTo.map((r) => r.address);
  // Counted in accepted recipients (consumer) or messages and recipients (Workspace).
  if (ctx.quota.wouldExceed(ctx.accounts.ensure(account), rcptTo.length)) {
    return GMAIL_REPLIES.quotaExceeded;
  }

  const { mailFrom } = session.envelope;
  const state = connectionState(session);
  const message = await parseIncoming({
    account,
    mailFrom: mailFrom ? mailFrom.address : "",
    rcptTo,
    raw,
    receivedAt: ctx.now(),
    via: "smtp",
    credential: state.credential ?? "oauth",
    listener: state.listener,
    port: session.localPort,
    sendableAddresses: ctx.accounts.sendableAddresses(account),
  });
  ctx.mailbox.add(message);
  ctx.quota.record(account, rcptTo.length);
  ctx.stats.count("messages", account);
  ctx.log(
    `smtp: accepted ${message.messageId || message.id} from ${account} to ${rcptTo.length} recipient(s)`,
  );
  return dataAccepted(Math.floor(ctx.now() / 1000));
}
