import type { Metadata } from "next";
import { connection } from "next/server";
import type { ReactNode } from "react";
import { currentTheme } from "./components/current-theme";
import { SkipLink } from "./components/skip-link";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Mailroom", template: "%s · Mailroom" },
  description: "Your own SMTP server on top of Gmail.",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page, the not-found page included, renders per request: a page prerendered at build
  // time has no nonce on its scripts, and the Content-Security-Policy would block them.
  await connection();
  // The chosen scheme is on the first byte of the page: no script, so no flash of the other one.
  const theme = await currentTheme();
  return (
    <html lang="en" data-theme={theme}>
      <body className="min-h-screen bg-zinc-50 text-zinc-900 antialiased dark:bg-zinc-950 dark:text-zinc-100">
        <SkipLink />
        {children}
      </body>
    </html>
  );
}
