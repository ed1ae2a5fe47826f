import type { Metadata } from "next";
import { connection } from "next/server";
import type { ReactNode } from "react";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Mailroom", template: "%s · Mailroom" },
  description: "Your own SMTP server on top of Gmail.",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page, the not-found page included, renders per request: a page prerendered at build
  // time has no nonce on its scripts, and the Content-Security-Policy would block them.
  await connection();
  return (
    <html lang="en">
      <body className="min-h-screen bg-zinc-50 text-zinc-900 antialiased dark:bg-zinc-950 dark:text-zinc-100">
        {children}
      </body>
    </html>
  );
}
