import { methodNotAllowed } from "@/lib/http/api-route";
import { openApiDocument } from "@/lib/api/openapi-document";
import { env } from "@/lib/env";

export const dynamic = "force-dynamic";

// GET /api/v1/openapi.json: public, like any API's description; it holds no data.
export function GET(): Response {
  return Response.json(openApiDocument(env().NEXTAUTH_URL), {
    headers: { "Cache-Control": "no-store" },
  });
}

const otherMethod = methodNotAllowed("GET");
export const POST = otherMethod;
export const PUT = otherMethod;
export const PATCH = otherMethod;
export const DELETE = otherMethod;
