"use client";

import { signIn } from "next-auth/react";
import { useState } from "react";
import { reconnectParams } from "@/lib/auth/reconnect-params";

const PRIMARY =
  "inline-flex items-center gap-2 rounded-lg bg-blue-600 px-5 py-2.5 font-medium text-white shadow-sm hover:bg-blue-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 disabled:opacity-60";

/**
 * Starts Google sign-in. `reconnect`: the Google account to sign in again as — Google goes
 * straight to that account's consent (login_hint) and issues a new refresh token.
 */
export function SignInButton({
  label = "Sign in with Google",
  reconnect,
  callbackUrl = "/overview",
  className = PRIMARY,
}: {
  label?: string;
  reconnect?: string;
  callbackUrl?: string;
  className?: string;
}) {
  const [pending, setPending] = useState(false);
  return (
    <button
      type="button"
      disabled={pending}
      onClick={() => {
        setPending(true);
        void signIn("google", { callbackUrl }, reconnect ? reconnectParams(reconnect) : undefined);
      }}
      className={className}
    >
      {pending ? "Redirecting to Google…" : label}
    </button>
  );
}
