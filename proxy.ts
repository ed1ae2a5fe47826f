// Runs before Next.js handles a request: a POST whose body Next's own decoder would throw on (a
// malformed server-action call or form) gets a 4xx here instead of a 500.
import { NextResponse, type NextRequest } from "next/server";
import { checkPostRequest } from "@/lib/http/action-request";

export async function proxy(request: NextRequest): Promise<NextResponse> {
  if (request.method === "POST") {
    // A clone: Next reads the body again to run the action.
    const verdict = await checkPostRequest(request.clone());
    if (!verdict.ok) {
      return NextResponse.json({ error: verdict.reason }, { status: verdict.status });
    }
  }
  return NextResponse.next();
}

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon\\.ico).*)"],
};
