import Link from "next/link";
import type { ReactNode } from "react";
import { SignOutButton } from "../components/sign-out-button";
import { NavLink } from "../components/nav-link";
import { TokenWarningBanner } from "./token-warning-banner";
import { requireUser } from "@/lib/auth/session";

export const dynamic = "force-dynamic";

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const user = await requireUser();
  return (
    <div className="min-h-screen">
      <header className="border-b border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
        <div className="mx-auto flex max-w-5xl items-center gap-6 px-6 py-3">
          <Link href="/overview" className="font-semibold tracking-tight">
            Mailroom
          </Link>
          <nav aria-label="Main" className="flex flex-wrap gap-1">
            <NavLink href="/overview">Overview</NavLink>
            <NavLink href="/compose">Compose</NavLink>
            <NavLink href="/history">History</NavLink>
            <NavLink href="/status">Status</NavLink>
            <NavLink href="/setup">Setup</NavLink>
            <NavLink href="/audit">Audit log</NavLink>
            <NavLink href="/settings/api-keys">API keys</NavLink>
            <NavLink href="/send-from-your-app">Send from your app</NavLink>
          </nav>
          <div className="ml-auto flex items-center gap-3 text-sm">
            <span className="text-zinc-500 dark:text-zinc-400" data-testid="signed-in-as">
              {user.email}
            </span>
            <SignOutButton />
          </div>
        </div>
      </header>
      <TokenWarningBanner userId={user.id} />
      <main className="mx-auto max-w-5xl px-6 py-8">{children}</main>
    </div>
  );
}
