import { AppError } from "@/lib/errors/app-error";
import { apiJson, apiRoute, methodNotAllowed } from "@/lib/http/api-route";
import { isRecordId } from "@/lib/http/record-id";
import { cancelMessage } from "@/lib/outbox/cancel-message";

export const dynamic = "force-dynamic";

// POST /api/v1/messages/{id}/cancel → 200 {id, status: "canceled"}; 409 once it is on its way.
export const POST = apiRoute<{ id: string }>({
  name: "cancel-message",
  permission: "read",
  handle: async ({ key, params }) => {
    if (!isRecordId(params.id)) throw new AppError("not_found", "Message not found.");
    await cancelMessage(key.userId, params.id);
    return apiJson({ id: params.id, status: "canceled" });
  },
});

const otherMethod = methodNotAllowed("POST");
export const GET = otherMethod;
export const PUT = otherMethod;
export const PATCH = otherMethod;
export const DELETE = otherMethod;
