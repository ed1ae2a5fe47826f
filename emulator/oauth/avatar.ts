// Profile pictures for emulator accounts: a coloured circle with the initial, served locally so
// the `picture` claim works without reaching Google's image servers.
import type { EmulatorContext } from "../context";
import { sendSvg } from "../http/respond";
import { apiError } from "../http/http-error";
import type { RequestContext } from "../http/router";
import { escapeHtml } from "../pages/html";

const COLOURS = ["#1a73e8", "#d93025", "#188038", "#e37400", "#9334e6", "#007b83", "#c5221f"];

export function avatarUrl(issuer: string, sub: string): string {
  return `${issuer}/avatars/${sub}.svg`;
}

export function avatarSvg(name: string, sub: string): string {
  const initial = escapeHtml((name.trim().charAt(0) || "?").toUpperCase());
  const colour = COLOURS[Number(BigInt(sub) % BigInt(COLOURS.length))] ?? COLOURS[0];
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96" viewBox="0 0 96 96">` +
    `<circle cx="48" cy="48" r="48" fill="${colour}"/>` +
    `<text x="48" y="62" font-family="Arial, sans-serif" font-size="44" fill="#fff" ` +
    `text-anchor="middle">${initial}</text></svg>`
  );
}

export function serveAvatar(ctx: EmulatorContext, { res, params }: RequestContext): void {
  const sub = (params.file ?? "").replace(/\.svg$/, "");
  const account = ctx.accounts.list().find((a) => a.sub === sub);
  if (!account) throw apiError(404, "not_found", "No such avatar.");
  sendSvg(res, avatarSvg(account.name, account.sub));
}
