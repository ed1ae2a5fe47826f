import { currentUser } from "@/lib/auth/session";
import { isRecordId } from "@/lib/http/record-id";
import { messageParts } from "@/lib/mail/message-parts";
import { getMessageMime } from "@/lib/outbox/list-messages";

export const dynamic = "force-dynamic";

// GET /api/messages/{id}/body[?images=1]: the HTML body of one of the signed-in user's messages,
// for the sandboxed frame on its history page. Its own policy: no script runs, nothing loads but
// inline styles and data: images — and remote images only when the reader asked (images=1) —
// and only Mailroom's own pages may frame it. (next.config.js leaves this path out of the
// X-Frame-Options: DENY every other response carries.)
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const user = await currentUser();
  if (!user) return new Response("Sign in first.\n", { status: 401 });
  const { id } = await params;
  const mime = isRecordId(id) ? await getMessageMime(user.id, id) : null;
  if (!mime) return new Response("No such message.\n", { status: 404 });
  const { html } = await messageParts(mime);
  if (html === null) return new Response("This message has no HTML body.\n", { status: 404 });
  const images = new URL(request.url).searchParams.get("images") === "1";
  return new Response(html, {
    headers: {
      "Content-Type": "text/html; charset=utf-8",
      "Content-Security-Policy": [
        "default-src 'none'",
        "style-src 'unsafe-inline'",
        `img-src data:${images ? " https: http:" : ""}`,
        "font-src data:",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'self'",
        "sandbox",
      ].join("; "),
      "X-Frame-Options": "SAMEORIGIN",
      "X-Content-Type-Options": "nosniff",
      // Remote images, when shown, learn nothing of the page they are on.
      "Referrer-Policy": "no-referrer",
      "Cache-Control": "private, no-store",
    },
  });
}
