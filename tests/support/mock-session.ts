// Stands in for next-auth's session under Vitest: set `session.user` to sign someone in; with
// none, requireUser redirects to "/" exactly as the real one does.
import { redirect } from "next/navigation";
import type { SessionUser } from "../../lib/auth/session";

export const session: { user: SessionUser | null } = { user: null };

export const mockedSessionModule = {
  currentUser: () => Promise.resolve(session.user),
  requireUser: () => Promise.resolve(session.user ?? redirect("/")),
  authOptions: () => Promise.reject(new Error("next-auth is not available under Vitest")),
};
