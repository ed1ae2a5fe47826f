// The mailbox over HTTP: the inbox pages and the JSON API (/api/messages).
import type { EmulatorContext } from "./context";
import { apiError } from "./http/http-error";
import { refuseCrossSite, requireJsonBody } from "./http/request-guards";
import { redirect, sendHtml, sendJson } from "./http/respond";
import type { RequestContext } from "./http/router";
import { summarize } from "./mailbox";
import { simpleErrorPage } from "./pages/error-page";
import { inboxPage } from "./pages/inbox-page";
import { messagePage } from "./pages/message-page";

function emailFilter(url: URL): { email?: string } {
  const email = url.searchParams.get("email");
  return email ? { email } : {};
}

export function showInbox(ctx: EmulatorContext, { res, url }: RequestContext): void {
  sendHtml(res, 200, inboxPage(ctx.mailbox.list(emailFilter(url)).map(summarize)));
}

export function showMessage(ctx: EmulatorContext, { res, params }: RequestContext): void {
  const message = ctx.mailbox.get(params.id ?? "");
  if (!message) {
    sendHtml(
      res,
      404,
      simpleErrorPage(404, "Message not found", "It may have been cleared from the inbox."),
    );
    return;
  }
  sendHtml(res, 200, messagePage(message));
}

export function clearInbox(ctx: EmulatorContext, { req, res }: RequestContext): void {
  refuseCrossSite(req, ctx.hosts);
  ctx.mailbox.clear();
  redirect(res, "/inbox", 303);
}

export function listMessages(ctx: EmulatorContext, { res, url }: RequestContext): void {
  sendJson(res, 200, { messages: ctx.mailbox.list(emailFilter(url)).map(summarize) });
}

export function getMessage(ctx: EmulatorContext, { res, params }: RequestContext): void {
  const message = ctx.mailbox.get(params.id ?? "");
  if (!message) throw apiError(404, "not_found", "No message with that id.");
  const { headers, text, html, raw } = message;
  sendJson(res, 200, { ...summarize(message), headers, text, html, raw });
}

export function deleteMessages(ctx: EmulatorContext, { req, res }: RequestContext): void {
  refuseCrossSite(req, ctx.hosts);
  requireJsonBody(req);
  sendJson(res, 200, { deleted: ctx.mailbox.clear() });
}
