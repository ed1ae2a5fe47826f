// The user whose session cookie came with the current request, read inside next-auth's own
// callbacks (which do not say whether someone is already signed in).
import "server-only";
import { cookies } from "next/headers";
import type { Db } from "../db";
import { hashSessionToken } from "./session-token";

// next-auth's cookie names: the __Secure- one when NEXTAUTH_URL is https.
const SESSION_COOKIES = ["__Secure-next-auth.session-token", "next-auth.session-token"];

export async function signedInUserId(prisma: Db): Promise<string | null> {
  let jar: Awaited<ReturnType<typeof cookies>>;
  try {
    jar = await cookies();
  } catch {
    return null;
  }
  for (const name of SESSION_COOKIES) {
    const token = jar.get(name)?.value;
    if (!token) continue;
    const session = await prisma.session.findUnique({
      where: { tokenHash: hashSessionToken(token) },
      select: { userId: true, expires: true },
    });
    if (session && session.expires > new Date()) return session.userId;
  }
  return null;
}
