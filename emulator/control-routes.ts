// The control API over HTTP (/control/…): the same operations as the in-process control,
// JSON in and out, every body validated; bad input is a 400, never a crash. Operations that change
// state take only JSON and refuse cross-site browser requests, so a web page cannot drive them.
import { z } from "zod";
import { API_SEND_ERRORS } from "./gmail/api-faults";
import type { Control } from "./control";
import type { EmulatorContext } from "./context";
import { readJson } from "./http/body";
import { apiError } from "./http/http-error";
import { sendJson } from "./http/respond";
import { refuseCrossSite, requireJsonBody } from "./http/request-guards";
import type { RequestContext, RouteHandler, Router } from "./http/router";
import { summarize } from "./mailbox";

/** An email address as the control API and the App passwords page's forms take it. */
export const email = z
  .string()
  .trim()
  .min(3)
  .max(320)
  .regex(/^[^\s@]+@[^\s@]+$/, "must be an email address");

const failNextBody = z.strictObject({
  count: z.number().int().min(1).max(10_000).default(1),
  reply: z.string().regex(/^[45]\d\d[ -]/, 'must be an SMTP reply such as "451 4.3.0 Text"'),
  stage: z.enum(["connect", "auth", "mail", "rcpt", "data"]).optional(),
  email: email.optional(),
});

const stallNextBody = z.strictObject({
  count: z.number().int().min(1).max(10_000).default(1),
  action: z.enum(["drop", "delay"]),
  ms: z.number().int().min(0).max(600_000).optional(),
  afterBytes: z.number().int().min(0).optional(),
});

const faultRateBody = z.union([
  z.null(),
  z.strictObject({
    rate: z.number().min(0).max(1),
    replies: z
      .array(z.string().regex(/^4\d\d[ -]/, "must be a 4xx SMTP reply"))
      .min(1)
      .optional(),
    dropShare: z.number().min(0).max(1).optional(),
  }),
]);

const aliasBody = z.strictObject({
  sendAsEmail: email,
  displayName: z.string().max(200).optional(),
  isDefault: z.boolean().optional(),
  verificationStatus: z.enum(["accepted", "pending"]).optional(),
});

const accountBody = z.strictObject({
  name: z.string().min(1).max(200).optional(),
  emailVerified: z.boolean().optional(),
  hostedDomain: z.string().max(253).optional(),
  dailyQuota: z.number().int().min(0).max(1_000_000).optional(),
  dailyRecipientQuota: z.number().int().min(0).max(10_000_000).optional(),
  aliases: z.array(aliasBody).max(100).optional(),
  password: z.string().min(8).max(200).optional(),
  twoStepVerification: z.boolean().optional(),
});

const failNextApiSendBody = z.strictObject({
  count: z.number().int().min(1).max(10_000).default(1),
  error: z.enum(API_SEND_ERRORS),
  email: email.optional(),
});

const createAppPasswordBody = z.strictObject({
  email,
  name: z.string().trim().min(1).max(100).optional(),
});
const revokeAppPasswordBody = z.strictObject({ email, id: z.string().min(1).max(100) });

const redirectUriBody = z.strictObject({
  redirectUri: z.string().min(1).max(2000),
  clientId: z.string().min(1).optional(),
});

const dnsName = z
  .string()
  .max(253)
  .regex(/^[A-Za-z0-9_.-]+$/, "must be a DNS name such as _dmarc.example.com");
const dnsBody = z.record(
  dnsName,
  z.strictObject({
    TXT: z.array(z.string().max(4_000)).max(20).optional(),
    A: z.array(z.ipv4()).max(20).optional(),
  }),
);

const emailBody = z.strictObject({ email });
const renameBody = z.strictObject({ email, newEmail: email });
const optionalEmailBody = z.strictObject({ email: email.optional() });
const issueTokensBody = z.strictObject({
  email,
  clientId: z.string().min(1).optional(),
  scope: z.string().min(1).optional(),
});

async function body<T>(rc: RequestContext, schema: z.ZodType<T>): Promise<T> {
  const result = schema.safeParse(await readJson(rc.req));
  if (!result.success) {
    const message = result.error.issues
      .map((issue) => `${issue.path.join(".") || "body"}: ${issue.message}`)
      .join("; ");
    throw apiError(400, "invalid_request", message);
  }
  return result.data;
}

/** Runs a control operation; its own validation errors become 400s. */
function attempt<T>(operation: () => T): T {
  try {
    return operation();
  } catch (error) {
    throw apiError(400, "invalid_request", error instanceof Error ? error.message : String(error));
  }
}

export function addControlRoutes(router: Router, ctx: EmulatorContext, control: Control): void {
  router
    .add("GET", "/control/accounts", (rc) => {
      sendJson(rc.res, 200, { accounts: ctx.accounts.list() });
    })
    .add("GET", "/control/stats", (rc) => {
      const account = rc.url.searchParams.get("email");
      sendJson(rc.res, 200, account ? control.stats(account) : control.stats());
    })
    .add("GET", "/control/authorization-requests", (rc) => {
      sendJson(rc.res, 200, { requests: control.authorizationRequests() });
    })
    .add("GET", "/control/smtp-connections", (rc) => {
      sendJson(rc.res, 200, { open: control.openSmtpConnections() });
    })
    .add("GET", "/control/app-passwords", (rc) => {
      const account = email.safeParse(rc.url.searchParams.get("email"));
      if (!account.success)
        throw apiError(400, "invalid_request", "email: must be an email address");
      sendJson(rc.res, 200, { appPasswords: attempt(() => control.appPasswords(account.data)) });
    })
    .add("GET", "/control/messages", (rc) => {
      const account = rc.url.searchParams.get("email") ?? undefined;
      sendJson(rc.res, 200, { messages: control.messages({ email: account }).map(summarize) });
    })
    .add("GET", "/control/messages/:id", (rc) => {
      const found = control.message(rc.params.id ?? "");
      if (!found) throw apiError(404, "not_found", "No message with that id.");
      sendJson(rc.res, 200, found);
    });

  // Every operation that changes state is registered through this.
  const changes = {
    add(method: "POST" | "PUT", path: string, handler: RouteHandler) {
      router.add(method, path, (rc) => {
        refuseCrossSite(rc.req, ctx.hosts);
        requireJsonBody(rc.req);
        return handler(rc);
      });
      return changes;
    },
  };
  changes
    .add("POST", "/control/fail-next", async (rc) => {
      const { count, reply, stage, email: account } = await body(rc, failNextBody);
      attempt(() => control.failNext(count, reply, { stage, email: account }));
      sendJson(rc.res, 200, { ok: true });
    })
    .add("POST", "/control/fail-next-api-send", async (rc) => {
      const { count, error, email: account } = await body(rc, failNextApiSendBody);
      attempt(() => control.failNextApiSend(count, error, { email: account }));
      sendJson(rc.res, 200, { ok: true });
    })
    .add("POST", "/control/app-passwords", async (rc) => {
      const { email: account, name } = await body(rc, createAppPasswordBody);
      sendJson(
        rc.res,
        200,
        attempt(() => control.createAppPassword(account, { name })),
      );
    })
    .add("POST", "/control/revoke-app-password", async (rc) => {
      const { email: account, id } = await body(rc, revokeAppPasswordBody);
      sendJson(rc.res, 200, { revoked: attempt(() => control.revokeAppPassword(account, id)) });
    })
    .add("POST", "/control/stall-next", async (rc) => {
      const { count, ...options } = await body(rc, stallNextBody);
      attempt(() => control.stallNext(count, options));
      sendJson(rc.res, 200, { ok: true });
    })
    .add("POST", "/control/fault-rate", async (rc) => {
      const options = await body(rc, faultRateBody);
      attempt(() => control.setFaultRate(options));
      sendJson(rc.res, 200, { ok: true });
    })
    .add("POST", "/control/revoke", async (rc) => {
      control.revoke((await body(rc, emailBody)).email);
      sendJson(rc.res, 200, { ok: true });
    })
    .add("POST", "/control/expire-access-tokens", async (rc) => {
      control.expireAccessTokens((await body(rc, optionalEmailBody)).email);
      sendJson(rc.res, 200, { ok: true });
    })
    .add("PUT", "/control/accounts/:email", async (rc) => {
      const address = email.safeParse(rc.params.email);
      if (!address.success)
        throw apiError(400, "invalid_request", "The path must end with an email address.");
      const { password, twoStepVerification, ...patch } = await body(rc, accountBody);
      const account = attempt(() => {
        const updated = ctx.accounts.upsert(address.data, patch);
        if (twoStepVerification !== undefined)
          control.setTwoStepVerification(updated.email, twoStepVerification);
        if (password !== undefined) control.setPassword(updated.email, password);
        return updated;
      });
      sendJson(rc.res, 200, { account });
    })
    .add("POST", "/control/redirect-uris", async (rc) => {
      const { redirectUri, clientId } = await body(rc, redirectUriBody);
      attempt(() => control.registerRedirectUri(redirectUri, { clientId }));
      sendJson(rc.res, 200, { ok: true });
    })
    .add("POST", "/control/rename-account", async (rc) => {
      const { email: account, newEmail } = await body(rc, renameBody);
      sendJson(rc.res, 200, { account: attempt(() => control.renameAccount(account, newEmail)) });
    })
    .add("POST", "/control/issue-tokens", async (rc) => {
      const { email: account, clientId, scope } = await body(rc, issueTokensBody);
      sendJson(
        rc.res,
        200,
        attempt(() => control.issueTokens(account, { clientId, scope })),
      );
    })
    .add("PUT", "/control/dns", async (rc) => {
      const zone = await body(rc, dnsBody);
      control.setDnsRecords(zone);
      sendJson(rc.res, 200, { ok: true, names: Object.keys(zone).length });
    })
    .add("POST", "/control/clear-mailbox", (rc) => {
      control.clearMailbox();
      sendJson(rc.res, 200, { ok: true });
    })
    .add("POST", "/control/reset", (rc) => {
      control.reset();
      sendJson(rc.res, 200, { ok: true });
    });
}
