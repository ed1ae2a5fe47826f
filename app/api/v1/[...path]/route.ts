import { AppError } from "@/lib/errors/app-error";
import { apiErrorResponse } from "@/lib/http/api-route";

export const dynamic = "force-dynamic";

// Any other path under /api/v1 answers in the API's own error shape.
function notFound(): Response {
  return apiErrorResponse(new AppError("not_found", "No such API endpoint."), "unknown-path");
}

export const GET = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;
