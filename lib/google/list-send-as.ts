// Gmail's send-as addresses for one account (users.settings.sendAs.list): the account's own
// address and its aliases, each with Gmail's display name, reply-to and verification status.
import "server-only";
import { auth, gmail_v1 } from "googleapis/build/src/apis/gmail";
import { z } from "zod";
import { env } from "../env";
import { AppError } from "../errors/app-error";

/** Gmail answers in well under a second; a sign-in must not hang on a slow one. */
const TIMEOUT_MS = 10_000;

const sendAsSchema = z.object({
  sendAsEmail: z.string().min(3).max(320),
  displayName: z.string().max(1_000).nullish(),
  replyToAddress: z.string().max(1_000).nullish(),
  isPrimary: z.boolean().nullish(),
  isDefault: z.boolean().nullish(),
  // Absent on the primary address, which needs no verification.
  verificationStatus: z.string().max(100).nullish(),
});

const listSchema = z.object({ sendAs: z.array(sendAsSchema).max(1_000).default([]) });

export interface SendAs {
  address: string;
  displayName: string;
  replyTo: string;
  isPrimary: boolean;
  isDefault: boolean;
  /** "accepted" may be sent from; "pending" is waiting for the owner to confirm it in Gmail. */
  verificationStatus: string;
}

export async function listSendAs(accessToken: string): Promise<SendAs[]> {
  const client = new auth.OAuth2();
  client.setCredentials({ access_token: accessToken });
  const gmail = new gmail_v1.Gmail({
    // googleapis joins the root and the path with a slash of its own.
    rootUrl: `${env().GMAIL_API_URL.replace(/\/+$/, "")}/`,
    auth: client,
    timeout: TIMEOUT_MS,
    retry: false,
  });
  let data: unknown;
  try {
    ({ data } = await gmail.users.settings.sendAs.list({ userId: "me" }));
  } catch (error) {
    throw gmailError(error);
  }
  const parsed = listSchema.safeParse(data);
  if (!parsed.success) {
    throw new AppError("google_unavailable", "Gmail's list of send-as addresses was not readable.");
  }
  return parsed.data.sendAs.map((s) => ({
    address: s.sendAsEmail.trim().toLowerCase(),
    displayName: s.displayName?.trim() ?? "",
    replyTo: s.replyToAddress?.trim() ?? "",
    isPrimary: s.isPrimary ?? false,
    isDefault: s.isDefault ?? false,
    verificationStatus: s.isPrimary ? "accepted" : (s.verificationStatus ?? "pending"),
  }));
}

/** Gmail's status and sentence only: the error's request config carries the bearer token. */
function gmailError(error: unknown): AppError {
  if (error instanceof Error) {
    // googleapis's GaxiosError, matched by shape: gaxios is googleapis's own dependency.
    const status = (error as { response?: { status?: number } }).response?.status;
    const reason = error.message.split("\n", 1)[0]?.slice(0, 200) ?? "";
    if (status === 401 || status === 403) {
      return new AppError(
        "forbidden",
        `Gmail refused to list the send-as addresses (${status}): ${reason}`,
      );
    }
    return new AppError(
      "google_unavailable",
      `Gmail did not list the send-as addresses${status ? ` (${status})` : ""}: ${reason}`,
    );
  }
  return new AppError("google_unavailable", "Gmail did not list the send-as addresses.");
}
