import type { ReactNode } from "react";
import { SiteFooter } from "../components/site-footer";
import { DashboardHeader } from "./dashboard-header";
import { TokenWarningBanner } from "./token-warning-banner";
import { requireUser } from "@/lib/auth/session";

export const dynamic = "force-dynamic";

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const user = await requireUser();
  return (
    <div className="flex min-h-screen flex-col">
      <DashboardHeader email={user.email} />
      <TokenWarningBanner userId={user.id} />
      <main
        id="main"
        tabIndex={-1}
        className="mx-auto w-full outline-none max-w-5xl flex-1 px-4 py-8 sm:px-6"
      >
        {children}
      </main>
      <SiteFooter />
    </div>
  );
}
