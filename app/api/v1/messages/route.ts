import { keyNamesFor } from "@/lib/api-keys/key-names";
import { listQuerySchema, queryObject } from "@/lib/api/list-query";
import { messageSummaryJson } from "@/lib/api/message-response";
import { readJsonBody } from "@/lib/api/read-json-body";
import { sendApiMessage } from "@/lib/api/send-api-message";
import { AppError } from "@/lib/errors/app-error";
import { apiJson, apiRoute, parseOrRefuse, methodNotAllowed } from "@/lib/http/api-route";
import { listMessages } from "@/lib/outbox/list-messages";

export const dynamic = "force-dynamic";

// POST /api/v1/messages → 202 {id, status} once the message is durably in the outbox.
export const POST = apiRoute({
  name: "send-message",
  permission: "send",
  handle: async ({ request, key }) => {
    const body = await readJsonBody(request);
    const answer = await sendApiMessage(key, body, request.headers.get("idempotency-key"));
    return apiJson(
      answer.body,
      answer.status,
      answer.replayed ? { "Idempotent-Replayed": "true" } : {},
    );
  },
});

// GET /api/v1/messages?status=&source=&cursor=&limit= → a page of the key owner's messages.
export const GET = apiRoute({
  name: "list-messages",
  permission: "read",
  handle: async ({ request, key }) => {
    const query = queryObject(new URL(request.url));
    if (!query.ok) {
      throw new AppError("invalid_input", `${query.repeated}: Give this parameter once.`, {
        [query.repeated]: "Give this parameter once.",
      });
    }
    const options = parseOrRefuse(listQuerySchema, query.value);
    const page = await listMessages(key.userId, options);
    // Not one of the owner's messages (or not one any more): say so, rather than start over.
    if (page.cursorIgnored) {
      throw new AppError("invalid_input", "cursor: Not a page of your messages.", {
        cursor: "Not a page of your messages.",
      });
    }
    const names = await keyNamesFor(
      key.userId,
      page.messages.map((m) => m.source),
    );
    return apiJson({
      messages: page.messages.map((m) => messageSummaryJson(m, names)),
      nextCursor: page.nextCursor ?? null,
    });
  },
});

const otherMethod = methodNotAllowed("GET", "POST");
export const PUT = otherMethod;
export const PATCH = otherMethod;
export const DELETE = otherMethod;
