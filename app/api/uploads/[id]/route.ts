import { currentUser } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { isRecordId } from "@/lib/http/record-id";
import { deleteUpload } from "@/lib/uploads/delete-upload";

export const dynamic = "force-dynamic";

// DELETE /api/uploads/{id}: a file removed from compose before sending, so it no longer counts
// against the user's uploads. Only the user's own; anyone else's, or none, is the same 204.
export async function DELETE(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const user = await currentUser();
  if (!user) return new Response("Sign in first.\n", { status: 401 });
  if (request.headers.get("origin") !== new URL(env().NEXTAUTH_URL).origin) {
    return new Response("Uploads are removed from Mailroom's own pages.\n", { status: 403 });
  }
  const { id } = await params;
  if (isRecordId(id)) await deleteUpload(user.id, id);
  return new Response(null, { status: 204, headers: { "Cache-Control": "no-store" } });
}
