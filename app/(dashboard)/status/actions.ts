"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { forgetSenderDomainAnswers } from "@/lib/diagnostics/check-sender-domains";
import { connectionTargetFor } from "@/lib/diagnostics/connection-targets";
import { findUserAccount } from "@/lib/diagnostics/find-user-account";
import { runConnectionTest } from "@/lib/diagnostics/run-connection-test";
import type { ConnectionTestResult } from "@/lib/diagnostics/types";
import { formFieldsSchema } from "@/lib/http/form-fields";
import { safeAction } from "@/lib/http/safe-action";
import {
  removeAppPassword,
  saveAppPassword,
  setSendWay,
} from "@/lib/sending/ways/account-send-way";
import { SEND_WAY_INFO, SEND_WAYS } from "@/lib/sending/ways/send-ways";

export interface TestConnectionState {
  result?: ConnectionTestResult;
  error?: string;
}

const CHOOSE_MODE = "Choose implicit TLS or STARTTLS.";

const testConnectionArgs = z.tuple(
  [
    z.unknown(), // React's previous state, never read
    formFieldsSchema({ mode: 20 }).pipe(
      z.object({ mode: z.enum(["implicit", "starttls"], { error: CHOOSE_MODE }) }),
    ),
  ],
  { error: "Expected the connection test form." },
);

/** Tests the signed-in user's own account; host and port come from config, never the browser. */
export const testConnectionAction = safeAction({
  name: "test-connection",
  args: testConnectionArgs,
  run: async (user, [, { mode }]): Promise<TestConnectionState> => {
    const account = await findUserAccount(user.id);
    if (!account) return { error: "Connect a Google account first." };
    const target = connectionTargetFor(mode);
    const result = await runConnectionTest({
      accountId: account.id,
      port: target.port,
      secure: target.secure,
    });
    // A failed sign-in may have marked the account "reconnect needed": show it on the page.
    revalidatePath("/status");
    return { result };
  },
  fail: ({ message }): TestConnectionState => ({ error: message }),
});

export interface RecheckSenderDomainsState {
  error?: string;
  /** ISO time of the last re-check this form asked for, announced to screen readers. */
  recheckedAt?: string;
}

const recheckArgs = z.tuple([z.unknown(), formFieldsSchema({})], {
  error: "Expected the re-check form.",
});

/**
 * Forgets the cached DNS answers for the signed-in user's own From domains (never a domain the
 * browser names) and renders the status page again, which asks DNS afresh.
 */
export const recheckSenderDomainsAction = safeAction({
  name: "recheck-sender-domains",
  args: recheckArgs,
  run: async (user): Promise<RecheckSenderDomainsState> => {
    await forgetSenderDomainAnswers(user.id);
    revalidatePath("/status");
    return { recheckedAt: new Date().toISOString() };
  },
  fail: ({ message }): RecheckSenderDomainsState => ({ error: message }),
});

export interface SendWayState {
  error?: string;
  /** What was saved, announced to screen readers. */
  saved?: string;
  /** Per-field sentences (appPassword). */
  fields?: Record<string, string>;
  /** Changes with every submit, so an error takes the focus again. */
  attempt?: number;
}

const sendWayArgs = z.tuple(
  [
    z.unknown(), // React's previous state, never read
    formFieldsSchema({ way: 20 }).pipe(
      z.object({ way: z.enum(SEND_WAYS, { error: "Choose one of the three ways to send." }) }),
    ),
  ],
  { error: "Expected the way-to-send form." },
);

/** Chooses how the signed-in user's own account sends. */
export const chooseSendWayAction = safeAction({
  name: "choose-send-way",
  args: sendWayArgs,
  run: async (user, [, { way }]): Promise<SendWayState> => {
    await setSendWay(user.id, way);
    revalidatePath("/status");
    return { saved: `Now sending with ${SEND_WAY_INFO[way].label}.`, attempt: Date.now() };
  },
  fail: ({ message }): SendWayState => ({ error: message, attempt: Date.now() }),
});

const appPasswordArgs = z.tuple([z.unknown(), formFieldsSchema({ appPassword: 100 })], {
  error: "Expected the app password form.",
});

/** Checks an app password with Gmail and keeps it sealed; it is never shown again. */
export const saveAppPasswordAction = safeAction({
  name: "save-app-password",
  args: appPasswordArgs,
  run: async (user, [, { appPassword }]): Promise<SendWayState> => {
    await saveAppPassword(user.id, appPassword);
    revalidatePath("/status");
    return { saved: "App password checked with Gmail and saved.", attempt: Date.now() };
  },
  fail: ({ message, fields }): SendWayState => ({ error: message, fields, attempt: Date.now() }),
});

const removeAppPasswordArgs = z.tuple([z.unknown(), formFieldsSchema({})], {
  error: "Expected the remove form.",
});

export const removeAppPasswordAction = safeAction({
  name: "remove-app-password",
  args: removeAppPasswordArgs,
  run: async (user): Promise<SendWayState> => {
    await removeAppPassword(user.id);
    revalidatePath("/status");
    return { saved: "App password removed.", attempt: Date.now() };
  },
  fail: ({ message }): SendWayState => ({ error: message, attempt: Date.now() }),
});
