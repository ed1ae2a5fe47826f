// The App passwords page over HTTP: GET shows it, the forms POST here. Turning 2-Step
// Verification on or off and revoking redirect back (POST/redirect/GET); creating answers with
// the page itself, the only time the new password is shown, so it never lands in a URL.
import { randomBytes } from "node:crypto";
import { z } from "zod";
import type { EmulatorContext } from "./context";
import { email } from "./control-routes";
import { readParams } from "./http/body";
import { refuseCrossSite } from "./http/request-guards";
import { redirect, sendHtml } from "./http/respond";
import type { RequestContext } from "./http/router";
import { simpleErrorPage } from "./pages/error-page";
import {
  accountChoicePage,
  appPasswordsPage,
  appPasswordsUrl,
  TWO_STEP_REQUIRED,
  type AppPasswordsPageOptions,
} from "./pages/app-passwords-page";
import type { Account } from "./state/accounts";

const ENTER_EMAIL = "Enter an email address, like name@example.com.";

const twoStepForm = z.object({ email, enabled: z.enum(["on", "off"]) });
const createForm = z.object({
  email,
  name: z
    .string()
    .trim()
    .min(1, "Enter a name for the app password.")
    .max(100, "The name can be at most 100 characters."),
});
// Ids are what SignInCredentials makes: 8 random bytes in hex.
const revokeForm = z.object({ email, id: z.string().regex(/^[0-9a-f]{16}$/) });

function nonce(): string {
  return randomBytes(16).toString("base64");
}

function accounts(ctx: EmulatorContext): { email: string; name: string }[] {
  return ctx.accounts.list().map(({ email: address, name }) => ({ email: address, name }));
}

function showChoice(
  ctx: EmulatorContext,
  rc: RequestContext,
  status: number,
  typed?: string,
  error?: string,
): void {
  const scriptNonce = nonce();
  sendHtml(
    rc.res,
    status,
    accountChoicePage({ accounts: accounts(ctx), typed, error, nonce: scriptNonce }),
    scriptNonce,
  );
}

function showAccount(
  ctx: EmulatorContext,
  rc: RequestContext,
  status: number,
  account: Account,
  extra: Partial<Pick<AppPasswordsPageOptions, "created" | "typedName" | "createError">> = {},
): void {
  const scriptNonce = nonce();
  sendHtml(
    rc.res,
    status,
    appPasswordsPage({
      email: account.email,
      twoStepVerification: account.twoStepVerification,
      appPasswords: ctx.credentials.list(account.email),
      nonce: scriptNonce,
      ...extra,
    }),
    scriptNonce,
  );
}

function unknownAccount(ctx: EmulatorContext, rc: RequestContext, address: string): void {
  showChoice(ctx, rc, 404, address, `The emulator has no account ${address}.`);
}

/** A form POST's fields, from the emulator's own page only; a field sent twice keeps its first value. */
async function formFields(
  ctx: EmulatorContext,
  rc: RequestContext,
): Promise<Record<string, string>> {
  refuseCrossSite(rc.req, ctx.hosts);
  const fields: Record<string, string> = {};
  for (const [key, value] of await readParams(rc.req)) fields[key] ??= value;
  return fields;
}

/** The first problem with a form, in words for the page. */
function problem(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "The form was not filled in correctly.";
  if (issue.path[0] === "email") return ENTER_EMAIL;
  if (issue.path[0] === "name") return issue.message;
  return `The form's ${String(issue.path[0] ?? "fields")} field is not valid.`;
}

/** A form the page never sends (a hand-made request): a plain 400 page. */
function badForm(rc: RequestContext, message: string): void {
  sendHtml(rc.res, 400, simpleErrorPage(400, "That form was not valid", message));
}

export function showAppPasswords(ctx: EmulatorContext, rc: RequestContext): void {
  const typed = rc.url.searchParams.get("email");
  if (typed === null) {
    showChoice(ctx, rc, 200);
    return;
  }
  const address = email.safeParse(typed);
  if (!address.success) {
    showChoice(ctx, rc, 400, typed, ENTER_EMAIL);
    return;
  }
  const account = ctx.accounts.get(address.data);
  if (!account) {
    unknownAccount(ctx, rc, address.data);
    return;
  }
  showAccount(ctx, rc, 200, account);
}

/** The POSTed form parsed by `schema`, with its account; undefined once an error page went out. */
async function accountForm<T extends { email: string }>(
  ctx: EmulatorContext,
  rc: RequestContext,
  schema: z.ZodType<T>,
): Promise<{ account: Account; form: T } | undefined> {
  const form = schema.safeParse(await formFields(ctx, rc));
  if (!form.success) {
    badForm(rc, problem(form.error));
    return undefined;
  }
  const account = ctx.accounts.get(form.data.email);
  if (!account) {
    unknownAccount(ctx, rc, form.data.email);
    return undefined;
  }
  return { account, form: form.data };
}

export async function setTwoStepVerification(
  ctx: EmulatorContext,
  rc: RequestContext,
): Promise<void> {
  const parsed = await accountForm(ctx, rc, twoStepForm);
  if (!parsed) return;
  const { account, form } = parsed;
  ctx.credentials.setTwoStepVerification(account.email, form.enabled === "on");
  redirect(rc.res, appPasswordsUrl(account.email), 303);
}

export async function createAppPassword(ctx: EmulatorContext, rc: RequestContext): Promise<void> {
  const fields = await formFields(ctx, rc);
  const address = email.safeParse(fields.email);
  if (!address.success) {
    badForm(rc, ENTER_EMAIL);
    return;
  }
  const account = ctx.accounts.get(address.data);
  if (!account) {
    unknownAccount(ctx, rc, address.data);
    return;
  }
  // As at Google, without 2-Step Verification nothing else about the request matters.
  if (!account.twoStepVerification) {
    showAccount(ctx, rc, 400, account, { typedName: fields.name, createError: TWO_STEP_REQUIRED });
    return;
  }
  const form = createForm.safeParse({ ...fields, name: fields.name ?? "" });
  if (!form.success) {
    showAccount(ctx, rc, 400, account, {
      typedName: fields.name,
      createError: problem(form.error),
    });
    return;
  }
  const created = ctx.credentials.createAppPassword(account.email, form.data.name);
  showAccount(ctx, rc, 200, account, { created });
}

export async function revokeAppPassword(ctx: EmulatorContext, rc: RequestContext): Promise<void> {
  const parsed = await accountForm(ctx, rc, revokeForm);
  if (!parsed) return;
  const { account, form } = parsed;
  // An id that is already gone (a second click) leaves nothing to do: the page shows the list.
  ctx.credentials.revokeAppPassword(account.email, form.id);
  redirect(rc.res, appPasswordsUrl(account.email), 303);
}
