// The signed-in user for pages and server actions; redirects a signed-out visitor to "/".
import "server-only";
import { getServerSession } from "next-auth";
import { redirect } from "next/navigation";
import { db } from "../db";
import { buildAuthOptions } from "./auth-options";
import { isEmailAllowed } from "./sign-in-policy";

export interface SessionUser {
  id: string;
  email: string;
  name: string | null;
}

export async function authOptions() {
  return buildAuthOptions(await db());
}

export async function currentUser(): Promise<SessionUser | null> {
  const session = await getServerSession(await authOptions());
  const user = session?.user;
  if (!user?.id || !user.email) return null;
  // Taking an address off the allowlist locks its sessions out at once, not at their expiry.
  if (!isEmailAllowed(user.email)) return null;
  return { id: user.id, email: user.email, name: user.name ?? null };
}

export async function requireUser(): Promise<SessionUser> {
  const user = await currentUser();
  if (!user) redirect("/");
  return user;
}
