import NextAuth from "next-auth";
import { authOptions } from "@/lib/auth/session";
import { checkAuthRequest } from "@/lib/http/auth-request";

type Context = { params: Promise<{ nextauth: string[] }> };

// Options are built per request so configuration is read at run time, not at build time.
async function handler(request: Request, context: Context): Promise<Response> {
  const refused = await checkAuthRequest(request);
  if (refused) return Response.json({ error: refused }, { status: 400 });
  const handle = NextAuth(await authOptions()) as (req: Request, ctx: Context) => Promise<Response>;
  return handle(request, context);
}

export { handler as GET, handler as POST };
