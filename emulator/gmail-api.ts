// The Gmail REST calls Mailroom reads with: users.getProfile and users.settings.sendAs.list/get,
// with Google's JSON error bodies (users.messages.send is in gmail/send-endpoint.ts).
import type { EmulatorContext } from "./context";
import { authorizeGmailRequest as authorize, googleError } from "./gmail/google-errors";
import { sendJson } from "./http/respond";
import type { RequestContext } from "./http/router";
import { PROFILE_READ_SCOPES, SEND_AS_READ_SCOPES } from "./oauth/scopes";
import { normalizeEmail } from "./state/accounts";

export function getProfile(ctx: EmulatorContext, rc: RequestContext): void {
  const token = authorize(ctx, rc, PROFILE_READ_SCOPES);
  // Gmail files SMTP-submitted mail under Sent, so every accepted message counts.
  const messages = ctx.mailbox.list({ email: token.email }).length;
  sendJson(rc.res, 200, {
    emailAddress: token.email,
    messagesTotal: messages,
    threadsTotal: messages,
    historyId: ctx.mailbox.historyId(),
  });
}

interface SendAs {
  sendAsEmail: string;
  displayName: string;
  replyToAddress: string;
  signature: string;
  isPrimary: boolean;
  isDefault: boolean;
  treatAsAlias?: boolean;
  verificationStatus: "accepted" | "pending";
}

function sendAsList(ctx: EmulatorContext, email: string): SendAs[] {
  const account = ctx.accounts.ensure(email);
  const aliasIsDefault = account.aliases.some((alias) => alias.isDefault);
  return [
    {
      sendAsEmail: account.email,
      displayName: account.name,
      replyToAddress: "",
      signature: "",
      isPrimary: true,
      isDefault: !aliasIsDefault,
      verificationStatus: "accepted",
    },
    ...account.aliases.map((alias) => ({
      sendAsEmail: alias.sendAsEmail,
      displayName: alias.displayName,
      replyToAddress: "",
      signature: "",
      isPrimary: false,
      isDefault: alias.isDefault,
      treatAsAlias: true,
      verificationStatus: alias.verificationStatus,
    })),
  ];
}

export function listSendAs(ctx: EmulatorContext, rc: RequestContext): void {
  const token = authorize(ctx, rc, SEND_AS_READ_SCOPES);
  sendJson(rc.res, 200, { sendAs: sendAsList(ctx, token.email) });
}

export function getSendAs(ctx: EmulatorContext, rc: RequestContext): void {
  const token = authorize(ctx, rc, SEND_AS_READ_SCOPES);
  const wanted = normalizeEmail(rc.params.sendAsEmail ?? "");
  const found = sendAsList(ctx, token.email).find((s) => s.sendAsEmail === wanted);
  if (!found) throw googleError(404, "NOT_FOUND", "Requested entity was not found.", "notFound");
  sendJson(rc.res, 200, found);
}
