// Changes how the user's account sends, from the status page: the way, and the app password the
// app-password way uses. An app password is checked with Gmail before it is kept, sealed like
// the tokens, and never shown again.
import "server-only";
import nodemailer from "nodemailer";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { recordAuditEvent } from "../../audit/record-audit-event";
import { accountTokenPlace } from "../../crypto/sealed-columns";
import { tokenSealer } from "../../crypto/sealer";
import { db } from "../../db";
import { findUserAccount } from "../../diagnostics/find-user-account";
import { env } from "../../env";
import { AppError } from "../../errors/app-error";
import { classifySmtpError } from "../../mail/classify-smtp-error";
import { outbox } from "../../outbox/open-outbox";
import { SEND_WAY_INFO, wayHasScope, type SendWay } from "./send-ways";

/**
 * Each check is a sign-in at Gmail, which slows down an account that signs in too often
 * (4.7.0): a few checks per user every ten minutes, per process.
 */
const CHECKS_PER_TEN_MINUTES = 10;
const checks = new RateLimiterMemory({ points: CHECKS_PER_TEN_MINUTES, duration: 600 });

/** Google shows an app password as four groups of four letters; spaces are not part of it. */
export function normalizeAppPassword(value: string): string | undefined {
  const compact = value.replace(/\s+/g, "").toLowerCase();
  return /^[a-z]{16}$/.test(compact) ? compact : undefined;
}

export async function setSendWay(userId: string, way: SendWay): Promise<void> {
  const account = await ownAccount(userId);
  if (!wayHasScope(way, account.scope)) {
    throw new AppError(
      "conflict",
      `${SEND_WAY_INFO[way].label} needs Google's permission first: grant it, then choose this way.`,
    );
  }
  if (way === "app_password" && !account.appPasswordSealed) {
    throw new AppError("conflict", "Add an app password first, then choose this way.");
  }
  if (account.sendWay === way) return;
  const prisma = await db();
  await prisma.$transaction(async (tx) => {
    // A new way starts afresh: whatever paused the old one is tried again by the next send.
    await tx.account.update({
      where: { id: account.id },
      data: { sendWay: way, reconnectReason: null, reconnectSince: null, reconnectCause: null },
    });
    await recordAuditEvent(tx, {
      kind: "send_way_changed",
      userId,
      email: account.email,
      detail: `Now sends with ${SEND_WAY_INFO[way].label}`,
    });
  });
  await resume();
}

/**
 * Checks the app password by signing in to Gmail's SMTP server with it, then keeps it sealed.
 * On an account that sends with it and was paused, the waiting messages go out.
 */
export async function saveAppPassword(userId: string, value: string): Promise<void> {
  const password = normalizeAppPassword(value);
  if (!password) {
    throw new AppError(
      "invalid_input",
      "An app password is 16 letters, like abcd efgh ijkl mnop.",
      { appPassword: "An app password is 16 letters, like abcd efgh ijkl mnop." },
    );
  }
  const account = await ownAccount(userId);
  await takeCheck(userId);
  await checkWithGmail(account.email, password);
  const prisma = await db();
  await prisma.$transaction(async (tx) => {
    await tx.account.update({
      where: { id: account.id },
      data: {
        appPasswordSealed: tokenSealer().seal(
          password,
          accountTokenPlace(account.id, "appPasswordSealed"),
        ),
        appPasswordAddedAt: new Date(),
        ...(account.sendWay === "app_password"
          ? { reconnectReason: null, reconnectSince: null, reconnectCause: null }
          : {}),
      },
    });
    await recordAuditEvent(tx, {
      kind: "app_password_added",
      userId,
      email: account.email,
      detail: account.appPasswordSealed ? "Replaced the app password" : "Added an app password",
    });
  });
  await resume();
}

export async function removeAppPassword(userId: string): Promise<void> {
  const account = await ownAccount(userId);
  if (account.sendWay === "app_password") {
    throw new AppError(
      "conflict",
      "This account sends with its app password: choose another way first, then remove it.",
    );
  }
  if (!account.appPasswordSealed) return;
  const prisma = await db();
  await prisma.$transaction(async (tx) => {
    await tx.account.update({
      where: { id: account.id },
      data: { appPasswordSealed: null, appPasswordAddedAt: null },
    });
    await recordAuditEvent(tx, {
      kind: "app_password_removed",
      userId,
      email: account.email,
      detail: "Removed the app password",
    });
  });
}

async function ownAccount(userId: string) {
  const account = await findUserAccount(userId);
  if (!account) throw new AppError("not_found", "Connect a Google account first.");
  return account;
}

/**
 * Waiting messages are due now. Workers need no telling about the change itself: the account's
 * next claim carries its new send version, and settings and transports follow it.
 */
async function resume(): Promise<void> {
  (await outbox()).signalDue();
}

async function takeCheck(userId: string): Promise<void> {
  try {
    await checks.consume(userId);
  } catch (refusal) {
    if (!(refusal instanceof RateLimiterRes)) throw refusal;
    const minutes = Math.max(1, Math.ceil(refusal.msBeforeNext / 60_000));
    throw new AppError(
      "rate_limited",
      `Gmail was asked to check ${CHECKS_PER_TEN_MINUTES} app passwords in ten minutes; try again in ${minutes} min.`,
    );
  }
}

/** Signs in to the configured SMTP endpoint with the password, over TLS, and signs out. */
async function checkWithGmail(email: string, password: string): Promise<void> {
  const config = env();
  const transport = nodemailer.createTransport({
    host: config.SMTP_HOST,
    port: config.SMTP_PORT,
    secure: config.SMTP_SECURE,
    requireTLS: !config.SMTP_SECURE,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 30_000,
    auth: { user: email, pass: password },
  });
  try {
    await transport.verify();
  } catch (error) {
    const failure = classifySmtpError(error);
    const said = failure.code ? ` Gmail said: ${failure.reply}` : "";
    if (failure.kind === "auth") {
      const why =
        failure.explanation?.id === "5.7.9"
          ? "That is the account's own password; Gmail wants an app password."
          : "Gmail did not accept this app password: check it, or create a new one.";
      throw new AppError("invalid_input", `${why}${said}`, { appPassword: why });
    }
    throw new AppError(
      "bad_request",
      `Could not check the app password with Gmail (${failure.reply}); it was not saved. Try again.`,
    );
  } finally {
    transport.close();
  }
}
