"use client";

import { signIn } from "next-auth/react";
import { useState } from "react";
import { reconnectParams } from "@/lib/auth/reconnect-params";
import { signInScopes } from "@/lib/google/scopes";

const PRIMARY =
  "inline-flex items-center gap-2 rounded-lg bg-blue-600 px-5 py-2.5 font-medium text-white shadow-sm hover:bg-blue-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 disabled:opacity-60";

/**
 * Starts Google sign-in. `reconnect`: the Google account to sign in again as — Google goes
 * straight to that account's consent (login_hint) and issues a new refresh token. `scope`: the
 * sending scope to ask for instead of the default one (with identity, keeping earlier grants).
 */
export function SignInButton({
  label = "Sign in with Google",
  reconnect,
  callbackUrl = "/overview",
  className = PRIMARY,
  scope,
}: {
  label?: string;
  reconnect?: string;
  callbackUrl?: string;
  className?: string;
  scope?: string;
}) {
  const [pending, setPending] = useState(false);
  return (
    <button
      type="button"
      disabled={pending}
      onClick={() => {
        setPending(true);
        void signIn(
          "google",
          { callbackUrl },
          reconnect
            ? reconnectParams(reconnect, scope)
            : scope
              ? { scope: signInScopes(scope), include_granted_scopes: "true" }
              : undefined,
        );
      }}
      className={className}
    >
      {pending ? "Redirecting to Google…" : label}
    </button>
  );
}
