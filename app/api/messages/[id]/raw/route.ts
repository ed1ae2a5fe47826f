import { Readable } from "node:stream";
import { currentUser } from "@/lib/auth/session";
import { isRecordId } from "@/lib/http/record-id";
import { emlFilename } from "@/lib/mail/message-parts";
import { getMessage, getMessageMime } from "@/lib/outbox/list-messages";

export const dynamic = "force-dynamic";

// GET /api/messages/{id}/raw: one of the signed-in user's messages as an .eml file, the MIME
// exactly as Mailroom keeps it (and sends it). Anyone else's, or none: the same 404.
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const user = await currentUser();
  if (!user) return new Response("Sign in first.\n", { status: 401 });
  const { id } = await params;
  const message = isRecordId(id) ? await getMessage(user.id, id) : null;
  const mime = message ? await getMessageMime(user.id, id) : null;
  if (!message || !mime) return new Response("No such message.\n", { status: 404 });
  // Streamed: a big message is read a chunk at a time as the download goes.
  return new Response(Readable.toWeb(mime) as ReadableStream<Uint8Array>, {
    headers: {
      "Content-Type": "message/rfc822",
      "Content-Disposition": `attachment; filename="${emlFilename(message.subject, id)}"`,
      "Cache-Control": "private, no-store",
    },
  });
}
