import { keyNamesFor } from "@/lib/api-keys/key-names";
import { messageJson } from "@/lib/api/message-response";
import { AppError } from "@/lib/errors/app-error";
import { apiJson, apiRoute, methodNotAllowed } from "@/lib/http/api-route";
import { isRecordId } from "@/lib/http/record-id";
import { getMessage } from "@/lib/outbox/list-messages";

export const dynamic = "force-dynamic";

// GET /api/v1/messages/{id} → the message with its status, attempts, last reply and timeline.
export const GET = apiRoute<{ id: string }>({
  name: "get-message",
  permission: "read",
  handle: async ({ key, params }) => {
    // Another user's message and no message at all get the same answer.
    const message = isRecordId(params.id) ? await getMessage(key.userId, params.id) : null;
    if (!message) throw new AppError("not_found", "Message not found.");
    return apiJson(messageJson(message, await keyNamesFor(key.userId, [message.source])));
  },
});

const otherMethod = methodNotAllowed("GET");
export const POST = otherMethod;
export const PUT = otherMethod;
export const PATCH = otherMethod;
export const DELETE = otherMethod;
