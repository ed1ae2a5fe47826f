"use client";

// The dashboard's header: one row on wide screens; on narrow ones the navigation, the account
// fold behind a Menu button (a disclosure: Escape or a chosen page closes it).
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { NavLink } from "../components/nav-link";
import { SignOutButton } from "../components/sign-out-button";

const PAGES = [
  { href: "/overview", label: "Overview" },
  { href: "/compose", label: "Compose" },
  { href: "/history", label: "History" },
  { href: "/status", label: "Status" },
  { href: "/setup", label: "Setup" },
  { href: "/audit", label: "Audit log" },
  { href: "/settings/api-keys", label: "API keys" },
  { href: "/send-from-your-app", label: "Send from your app" },
] as const;

export function DashboardHeader({ email }: { email: string }) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const pathname = usePathname();
  const [shownFor, setShownFor] = useState(pathname);
  // A page chosen from the menu closes it (state adjusted while rendering, as React advises).
  if (shownFor !== pathname) {
    setShownFor(pathname);
    setOpen(false);
  }
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape") return;
      setOpen(false);
      button.current?.focus();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [open]);

  return (
    <header className="border-b border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
      <div className="mx-auto flex max-w-5xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3 sm:px-6">
        <Link
          href="/overview"
          className="rounded-md font-semibold tracking-tight focus-visible:outline-2 focus-visible:outline-blue-600"
        >
          Mailroom
        </Link>
        <button
          ref={button}
          type="button"
          aria-expanded={open}
          aria-controls="dashboard-menu"
          onClick={() => setOpen(!open)}
          className="ml-auto rounded-md border border-zinc-300 px-3 py-1.5 text-sm font-medium text-zinc-700 hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-blue-600 lg:hidden dark:border-zinc-700 dark:text-zinc-200 dark:hover:bg-zinc-800"
        >
          Menu
        </button>
        <div
          id="dashboard-menu"
          className={`${open ? "flex" : "hidden"} w-full flex-col gap-3 pb-2 lg:flex lg:w-auto lg:flex-1 lg:flex-row lg:items-center lg:gap-6 lg:pb-0`}
        >
          <nav aria-label="Main" className="flex flex-col gap-1 lg:flex-row lg:flex-wrap">
            {PAGES.map((page) => (
              <NavLink key={page.href} href={page.href}>
                {page.label}
              </NavLink>
            ))}
          </nav>
          <div className="flex flex-wrap items-center gap-3 border-t border-zinc-200 pt-3 text-sm lg:ml-auto lg:border-0 lg:pt-0 dark:border-zinc-800">
            <span
              className="min-w-0 break-all text-zinc-600 dark:text-zinc-400"
              data-testid="signed-in-as"
            >
              {email}
            </span>
            <SignOutButton />
          </div>
        </div>
      </div>
    </header>
  );
}
