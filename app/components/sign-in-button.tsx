"use client";

import { signIn } from "next-auth/react";
import { useState } from "react";

export function SignInButton({ label = "Sign in with Google" }: { label?: string }) {
  const [pending, setPending] = useState(false);
  return (
    <button
      type="button"
      disabled={pending}
      onClick={() => {
        setPending(true);
        void signIn("google", { callbackUrl: "/overview" });
      }}
      className="inline-flex items-center gap-2 rounded-lg bg-blue-600 px-5 py-2.5 font-medium text-white shadow-sm hover:bg-blue-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 disabled:opacity-60"
    >
      {pending ? "Redirecting to Google…" : label}
    </button>
  );
}
