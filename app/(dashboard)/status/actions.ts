"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { requireUser } from "@/lib/auth/session";
import { connectionTargetFor } from "@/lib/diagnostics/connection-targets";
import { findUserAccount } from "@/lib/diagnostics/find-user-account";
import { runConnectionTest } from "@/lib/diagnostics/run-connection-test";
import type { ConnectionTestResult } from "@/lib/diagnostics/types";

export interface TestConnectionState {
  result?: ConnectionTestResult;
  error?: string;
}

const modeSchema = z.enum(["implicit", "starttls"]);

/** Tests the signed-in user's own account; host and port come from config, never the browser. */
export async function testConnectionAction(
  _previous: TestConnectionState,
  form: FormData,
): Promise<TestConnectionState> {
  const user = await requireUser();
  const mode = modeSchema.safeParse(form.get("mode"));
  if (!mode.success) return { error: "Choose implicit TLS or STARTTLS." };
  const account = await findUserAccount(user.id);
  if (!account) return { error: "Connect a Google account first." };
  const target = connectionTargetFor(mode.data);
  try {
    const result = await runConnectionTest({
      accountId: account.id,
      port: target.port,
      secure: target.secure,
    });
    // A failed sign-in may have marked the account "reconnect needed": show it on the page.
    revalidatePath("/status");
    return { result };
  } catch (error) {
    console.error(
      "status: connection test crashed:",
      error instanceof Error ? `${error.name}: ${error.message}` : "unknown error",
    );
    return { error: "Something went wrong while testing the connection. Please try again." };
  }
}
