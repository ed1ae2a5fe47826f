import { z } from "zod";
import { currentUser } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors/app-error";
import { strictTransportSecurity } from "@/lib/http/security-headers";
import { storeUpload } from "@/lib/uploads/store-upload";

export const dynamic = "force-dynamic";

// POST /api/uploads?filename=<name>: a file for compose's attachments, the request body its bytes
// and Content-Type its type. The signed-in user's session, from Mailroom's own pages only (the
// browser's Origin must be Mailroom's). Streamed into the database as it arrives; answers
// {id, filename, size}, the id for the compose form to send with the message.
const querySchema = z.object({
  filename: z
    .string()
    .trim()
    .min(1, "Name the file.")
    .max(255, "The file name is too long (255 characters at most).")
    .refine((name) => !/[\p{Cc}/\\]/u.test(name), "The file name has characters it cannot have."),
});
const contentTypeSchema = z
  .string()
  .regex(/^[\w.+-]+\/[\w.+-]+$/)
  .catch("application/octet-stream");

export async function POST(request: Request): Promise<Response> {
  const user = await currentUser();
  if (!user) return problem(new AppError("unauthorized", "Sign in first."));
  const origin = request.headers.get("origin");
  if (origin !== new URL(env().NEXTAUTH_URL).origin) {
    return problem(new AppError("forbidden", "Uploads come from Mailroom's own pages."));
  }
  const query = querySchema.safeParse({
    filename: new URL(request.url).searchParams.get("filename") ?? "",
  });
  if (!query.success) {
    return problem(new AppError("invalid_input", query.error.issues[0]?.message ?? "Bad name."));
  }
  if (!request.body) return problem(new AppError("invalid_input", "The file is empty."));
  const declared = request.headers.get("content-length");
  try {
    const upload = await storeUpload({
      userId: user.id,
      filename: query.data.filename,
      contentType: contentTypeSchema.parse(
        (request.headers.get("content-type") ?? "").split(";")[0]?.trim().toLowerCase(),
      ),
      declaredBytes: declared === null ? undefined : Number(declared),
      body: request.body,
    });
    return json(201, { id: upload.id, filename: upload.filename, size: upload.size });
  } catch (error) {
    if (error instanceof AppError) return problem(error);
    throw error;
  }
}

function problem(error: AppError): Response {
  return json(error.status, { error: { code: error.code, message: error.message } });
}

function json(status: number, body: unknown): Response {
  const headers = new Headers({ "Content-Type": "application/json", "Cache-Control": "no-store" });
  // proxy.ts, which adds this elsewhere, does not see uploads (it would buffer the whole body).
  const hsts = strictTransportSecurity(env().NEXTAUTH_URL);
  if (hsts) headers.set("Strict-Transport-Security", hsts);
  return new Response(JSON.stringify(body), { status, headers });
}
