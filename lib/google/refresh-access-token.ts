// One refresh-token grant against the configured token endpoint.
import { z } from "zod";
import { AppError } from "../errors/app-error";

const successSchema = z.object({
  access_token: z.string().min(1),
  expires_in: z.coerce.number().positive(),
  scope: z.string().optional(),
  refresh_token: z.string().optional(),
});
const errorSchema = z.object({ error: z.string(), error_description: z.string().optional() });

export interface RefreshedToken {
  accessToken: string;
  expiresAt: Date;
  scope?: string;
  /** Present only when Google rotated the refresh token; otherwise keep the stored one. */
  refreshToken?: string;
}

/** Google said the refresh token is dead (revoked, expired, or unknown): the user must reconnect. */
export class InvalidGrantError extends Error {
  constructor(readonly reason: string) {
    super(`Google refused the refresh token: ${reason}`);
    this.name = "InvalidGrantError";
  }
}

export async function refreshAccessToken(options: {
  tokenEndpoint: string;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  now?: () => number;
}): Promise<RefreshedToken> {
  const now = options.now ?? Date.now;
  const body = new URLSearchParams({
    grant_type: "refresh_token",
    refresh_token: options.refreshToken,
    client_id: options.clientId,
    client_secret: options.clientSecret,
  });
  const post = () =>
    fetch(options.tokenEndpoint, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body,
      signal: AbortSignal.timeout(15_000),
    });
  let response: Response;
  try {
    // A kept-alive connection the server closed just as it was reused fails before any answer;
    // the grant is safe to ask again (at worst Google issues one more access token).
    response = await post().catch((error: Error) => {
      if (error.name === "TimeoutError") throw error;
      return post();
    });
  } catch (error) {
    throw new AppError(
      "google_unavailable",
      `Token endpoint unreachable: ${(error as Error).message}`,
    );
  }
  const answer: unknown = await response.json().catch(() => ({}));
  if (response.ok) {
    const ok = successSchema.parse(answer);
    return {
      accessToken: ok.access_token,
      expiresAt: new Date(now() + ok.expires_in * 1000),
      scope: ok.scope,
      refreshToken: ok.refresh_token,
    };
  }
  const failure = errorSchema.safeParse(answer);
  if (failure.success && failure.data.error === "invalid_grant") {
    throw new InvalidGrantError(failure.data.error_description ?? "invalid_grant");
  }
  const what = failure.success
    ? `${failure.data.error}${failure.data.error_description ? `: ${failure.data.error_description}` : ""}`
    : `HTTP ${response.status}`;
  throw new AppError("google_unavailable", `Token refresh failed (${what})`);
}
