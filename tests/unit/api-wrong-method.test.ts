// Every HTTP API route answers the methods it does not take with a 405 in the API's error shape
// and an Allow header (Next's own 405 has an empty body).
import { describe, expect, it } from "vitest";
import * as cancelRoute from "../../app/api/v1/messages/[id]/cancel/route";
import * as messageRoute from "../../app/api/v1/messages/[id]/route";
import * as messagesRoute from "../../app/api/v1/messages/route";
import * as openApiRoute from "../../app/api/v1/openapi.json/route";

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

const ROUTES = [
  { path: "/api/v1/messages", module: messagesRoute, allowed: ["GET", "POST"] },
  { path: "/api/v1/messages/{id}", module: messageRoute, allowed: ["GET"] },
  { path: "/api/v1/messages/{id}/cancel", module: cancelRoute, allowed: ["POST"] },
  { path: "/api/v1/openapi.json", module: openApiRoute, allowed: ["GET"] },
];

describe("methods a route does not take", () => {
  for (const route of ROUTES) {
    for (const method of METHODS.filter((m) => !route.allowed.includes(m))) {
      it(`${method} ${route.path} → 405 method_not_allowed, Allow: ${route.allowed.join(", ")}`, async () => {
        const handler = (route.module as Record<string, unknown>)[method];
        expect(typeof handler).toBe("function");
        const response = await (handler as () => Response | Promise<Response>)();
        expect(response.status).toBe(405);
        expect(response.headers.get("allow")).toBe(route.allowed.join(", "));
        expect(await response.json()).toEqual({
          error: {
            code: "method_not_allowed",
            message: `This endpoint takes ${route.allowed.join(" or ")} only.`,
          },
        });
      });
    }
  }
});
