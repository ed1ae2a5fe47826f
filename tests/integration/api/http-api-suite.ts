// The HTTP API's route handlers, called as Next calls them, against a real database and the
// emulator: every error code, idempotency under concurrency, a message reaching "Gmail" with its
// body and attachment byte for byte, revocation, scoping to the key's owner. http-api.test.ts
// runs it on SQLite and http-api-postgres.test.ts on PostgreSQL.
import { randomBytes } from "node:crypto";
import { simpleParser } from "mailparser";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../../emulator";
import { createApiKey } from "../../../lib/api-keys/create-api-key";
import { revokeApiKey } from "../../../lib/api-keys/revoke-api-key";
import { db } from "../../../lib/db";
import { closeAllTransports } from "../../../lib/mail/transport-pool";
import { drainOutbox } from "../../support/drain-outbox";
import { seedUser } from "../../support/seed-user";
import { configureTestEnvironment } from "../../support/test-app-env";
import { testCa } from "../../support/test-ca";

/** Requests one key may make a minute in these tests (the 429 test spends them). */
export const KEY_RATE = 40;

type Handler = (
  request: Request,
  context: { params: Promise<never> },
) => Promise<Response> | Response;

export function httpApiSuite(engine: string, setup: { databaseUrl?: () => Promise<string> }) {
  describe(`the HTTP API on ${engine}`, () => {
    let emu: Emulator;
    let routes: {
      messages: { GET: Handler; POST: Handler };
      message: { GET: Handler };
      cancel: { POST: Handler };
      openapi: { GET: () => Response };
      unknown: { GET: Handler };
    };
    let n = 0;

    beforeAll(async () => {
      emu = await startEmulator({ ca: testCa() });
      configureTestEnvironment(emu);
      process.env.API_KEY_RATE_PER_MINUTE = String(KEY_RATE);
      if (setup.databaseUrl) process.env.DATABASE_URL = await setup.databaseUrl();
      const { env } = await import("../../../lib/env");
      expect(env().DATABASE_URL).toBe(process.env.DATABASE_URL);
      routes = {
        messages: await import("../../../app/api/v1/messages/route"),
        message: await import("../../../app/api/v1/messages/[id]/route"),
        cancel: await import("../../../app/api/v1/messages/[id]/cancel/route"),
        openapi: await import("../../../app/api/v1/openapi.json/route"),
        unknown: await import("../../../app/api/v1/[...path]/route"),
      };
    });

    afterAll(async () => {
      closeAllTransports();
      await emu.stop();
    });

    beforeEach(() => emu.control.clearMailbox());

    async function owner(permission: "send" | "send_read" = "send_read") {
      const { user, account } = await seedUser(emu, `api${++n}@example.com`);
      const key = await createApiKey(user.id, {
        name: `Key ${n}`,
        permission,
        allowedFrom: [account.email],
      });
      return { user, account, key, auth: { Authorization: `Bearer ${key.secret}` } };
    }

    async function call(
      handler: Handler,
      options: {
        method?: string;
        path?: string;
        headers?: Record<string, string>;
        json?: unknown;
        body?: BodyInit;
        params?: Record<string, string>;
      } = {},
    ): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
      const headers = new Headers(options.headers);
      let body = options.body;
      if (options.json !== undefined) {
        body = JSON.stringify(options.json);
        if (!headers.has("content-type")) headers.set("content-type", "application/json");
      }
      const request = new Request(`http://localhost:3000${options.path ?? "/api/v1/messages"}`, {
        method: options.method ?? (body === undefined ? "GET" : "POST"),
        headers,
        body,
        ...(body instanceof ReadableStream ? { duplex: "half" } : {}),
      });
      const response = await handler(request, {
        params: Promise.resolve(options.params ?? {}) as Promise<never>,
      });
      const text = await response.text();
      return {
        status: response.status,
        headers: response.headers,
        body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
      };
    }

    const send = (
      auth: Record<string, string>,
      json: unknown,
      headers: Record<string, string> = {},
    ) => call(routes.messages.POST, { json, headers: { ...auth, ...headers } });

    const simple = { to: "Bob <bob@example.org>", subject: "Hello", text: "Hi Bob" };

    async function messageCount(userId: string) {
      return (await db()).message.count({ where: { userId } });
    }

    function errorOf(response: { body: Record<string, unknown> }) {
      return response.body.error as { code: string; message: string; field?: string };
    }

    it("accepts a message with 202 {id, status} and shows its source", async () => {
      const { user, key, auth } = await owner();
      const accepted = await send(auth, simple);
      expect(accepted.status).toBe(202);
      expect(Object.keys(accepted.body).sort()).toEqual(["id", "status"]);
      expect(accepted.body.id).toMatch(/^c[0-9a-z]{24}$/);
      expect(accepted.body.status).toBe("queued");
      expect(accepted.headers.get("idempotent-replayed")).toBeNull();

      const id = accepted.body.id as string;
      const read = await call(routes.message.GET, { headers: auth, params: { id } });
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({
        id,
        status: "queued",
        source: { kind: "api", apiKey: { id: key.id, name: key.name } },
        from: user.email,
        to: ["bob@example.org"],
        subject: "Hello",
        attempts: 0,
      });
      expect((read.body.events as { type: string }[]).map((e) => e.type)).toContain("queued");

      const listed = await call(routes.messages.GET, {
        headers: auth,
        path: "/api/v1/messages?source=api",
      });
      expect(listed.status).toBe(200);
      expect((listed.body.messages as { id: string }[]).map((m) => m.id)).toEqual([id]);
      const web = await call(routes.messages.GET, {
        headers: auth,
        path: "/api/v1/messages?source=web",
      });
      expect(web.body.messages).toEqual([]);
    });

    it("delivers body and attachment to Gmail byte for byte", async () => {
      const { user, auth } = await owner();
      const attachment = randomBytes(70_000);
      const text = "Line one\nLine two with ünïcödé and a very long line " + "x".repeat(200) + "\n";
      const html = "<p>Hello <b>Bob</b></p>";
      const accepted = await send(auth, {
        from: `Ada Sender <${user.email}>`,
        to: ["Bob <bob@example.org>", "carol@example.net"],
        bcc: "audit@example.com",
        replyTo: "replies@example.com",
        subject: "Invoice",
        text,
        html,
        attachments: [
          {
            filename: "invoice.bin",
            contentType: "application/octet-stream",
            content: attachment.toString("base64"),
          },
        ],
        headers: { "X-Campaign": "spring", "List-Unsubscribe": "<mailto:unsub@example.com>" },
      });
      expect(accepted.status).toBe(202);
      await drainOutbox();

      const inbox = emu.control.messages({ email: user.email });
      expect(inbox).toHaveLength(1);
      expect([...inbox[0]!.envelope.rcptTo].sort()).toEqual([
        "audit@example.com",
        "bob@example.org",
        "carol@example.net",
      ]);
      const raw = emu.control.message(inbox[0]!.id)!.raw;
      expect(raw).not.toMatch(/^Bcc:/im);
      const parsed = await simpleParser(raw);
      expect(parsed.from?.value).toEqual([{ name: "Ada Sender", address: user.email }]);
      expect(parsed.text).toBe(text);
      expect(parsed.html).toBe(html);
      expect(parsed.replyTo?.text).toBe("replies@example.com");
      expect(parsed.headers.get("x-campaign")).toBe("spring");
      expect(parsed.attachments).toHaveLength(1);
      expect(parsed.attachments[0]!.filename).toBe("invoice.bin");
      expect(Buffer.compare(parsed.attachments[0]!.content, attachment)).toBe(0);

      const read = await call(routes.message.GET, {
        headers: auth,
        params: { id: accepted.body.id as string },
      });
      expect(read.body).toMatchObject({ status: "sent", lastReply: { code: 250 } });
    });

    describe("errors", () => {
      it("401 without a key, with an unknown one, and with a revoked one at once", async () => {
        const { user, key, auth } = await owner();
        for (const headers of [
          {} as Record<string, string>,
          { Authorization: "Basic abc" },
          { Authorization: "Bearer nonsense" },
          { Authorization: `Bearer mr_live_${randomBytes(32).toString("base64url")}` },
          // The right prefix with another secret behind it.
          {
            Authorization: `Bearer ${key.secret.slice(0, 20)}${"A".repeat(key.secret.length - 20)}`,
          },
        ]) {
          const refused = await send(headers, simple);
          expect(refused.status).toBe(401);
          expect(errorOf(refused).code).toBe("unauthorized");
          expect(refused.headers.get("www-authenticate")).toMatch(/^Bearer/);
        }
        expect((await send(auth, simple)).status).toBe(202);
        await revokeApiKey(user.id, key.id);
        const revoked = await send(auth, simple);
        expect(revoked.status).toBe(401);
        expect(errorOf(revoked)).toEqual({
          code: "unauthorized",
          message: "The API key has been revoked.",
        });
        const read = await call(routes.messages.GET, { headers: auth });
        expect(read.status).toBe(401);
        expect(await messageCount(user.id)).toBe(1);
      });

      it("403 for a From the key does not allow, and for reading with a send-only key", async () => {
        const { user, auth } = await owner("send");
        const other = await send(auth, { ...simple, from: "someone@example.com" });
        expect(other.status).toBe(403);
        expect(errorOf(other)).toMatchObject({ code: "forbidden", field: "from" });
        const accepted = await send(auth, simple);
        expect(accepted.status).toBe(202);
        for (const response of [
          await call(routes.messages.GET, { headers: auth }),
          await call(routes.message.GET, {
            headers: auth,
            params: { id: accepted.body.id as string },
          }),
          await call(routes.cancel.POST, {
            method: "POST",
            headers: auth,
            params: { id: accepted.body.id as string },
          }),
        ]) {
          expect(response.status).toBe(403);
          expect(errorOf(response).code).toBe("forbidden");
        }
        expect(await messageCount(user.id)).toBe(1);
      });

      it("404 for another user's message, the same as for none", async () => {
        const alice = await owner();
        const bob = await owner();
        const theirs = await send(alice.auth, { ...simple, scheduledAt: inAnHour() });
        const id = theirs.body.id as string;
        const missing = "c" + "0".repeat(24);
        const answers = [
          await call(routes.message.GET, { headers: bob.auth, params: { id } }),
          await call(routes.message.GET, { headers: bob.auth, params: { id: missing } }),
          await call(routes.message.GET, { headers: bob.auth, params: { id: "../etc" } }),
          await call(routes.cancel.POST, { method: "POST", headers: bob.auth, params: { id } }),
          await call(routes.cancel.POST, {
            method: "POST",
            headers: bob.auth,
            params: { id: missing },
          }),
        ];
        for (const answer of answers) {
          expect(answer.status).toBe(404);
          expect(answer.body).toEqual(answers[0]!.body);
        }
        // Nor does Bob's list start at Alice's message.
        const cursor = await call(routes.messages.GET, {
          headers: bob.auth,
          path: `/api/v1/messages?cursor=${id}`,
        });
        expect(cursor.status).toBe(422);
        const still = await call(routes.message.GET, { headers: alice.auth, params: { id } });
        expect(still.body.status).toBe("queued");
        const unknown = await call(routes.unknown.GET, { headers: bob.auth, path: "/api/v1/nope" });
        expect(unknown.status).toBe(404);
        expect(errorOf(unknown).code).toBe("not_found");
      });

      it("413 for a body over the limit and for a message over Gmail's 25 MB", async () => {
        const { user, auth } = await owner();
        // No Content-Length: the body is counted as it is read.
        const chunk = new Uint8Array(1024 * 1024).fill(32);
        let sent = 0;
        const stream = new ReadableStream<Uint8Array>({
          pull(controller) {
            if (sent++ < 30) controller.enqueue(chunk);
            else controller.close();
          },
        });
        const tooBig = await call(routes.messages.POST, {
          headers: { ...auth, "content-type": "application/json" },
          body: stream,
        });
        expect(tooBig.status).toBe(413);
        expect(errorOf(tooBig).code).toBe("too_large");

        const large = await send(auth, {
          ...simple,
          attachments: [
            { filename: "big.bin", content: randomBytes(19 * 1024 * 1024).toString("base64") },
          ],
        });
        expect(large.status).toBe(413);
        expect(errorOf(large).message).toMatch(/larger than Gmail's 25 MB limit/);
        expect(await messageCount(user.id)).toBe(0);
      });

      it("415 for a body that is not JSON, 400 for broken JSON", async () => {
        const { user, auth } = await owner();
        const form = await call(routes.messages.POST, {
          headers: { ...auth, "content-type": "application/x-www-form-urlencoded" },
          body: "to=bob@example.org",
        });
        expect(form.status).toBe(415);
        expect(errorOf(form).code).toBe("unsupported_media_type");
        const none = await call(routes.messages.POST, { headers: auth, body: "{}" });
        expect(none.status).toBe(415);
        for (const body of ["{", "", "\u0000", '{"to": "bob@example.org",}']) {
          const broken = await call(routes.messages.POST, {
            headers: { ...auth, "content-type": "application/json" },
            body,
          });
          expect(broken.status).toBe(400);
          expect(errorOf(broken).code).toBe("bad_request");
        }
        expect(await messageCount(user.id)).toBe(0);
      });

      it("422 naming the field, and never a 500 for bad input", async () => {
        const { user, auth } = await owner();
        const cases: [unknown, string][] = [
          [{ ...simple, to: "not an address" }, "to"],
          [{ ...simple, to: ["bob@example.org", "nope"] }, "to.1"],
          [{ ...simple, to: [] }, "to"],
          [{ ...simple, cc: Array.from({ length: 100 }, (_, i) => `r${i}@example.org`) }, "to"],
          [{ ...simple, subject: "Hi\r\nBcc: eve@example.org" }, "subject"],
          [{ ...simple, text: undefined }, "text"],
          [{ ...simple, headers: { Bcc: "eve@example.org" } }, "headers.Bcc"],
          [{ ...simple, headers: { "X-Ok": "a\r\nBcc: eve@example.org" } }, "headers.X-Ok"],
          [
            { ...simple, attachments: [{ filename: "a", content: "%%%" }] },
            "attachments.0.content",
          ],
          [
            { ...simple, attachments: [{ filename: "a\r\nb", content: "" }] },
            "attachments.0.filename",
          ],
          [{ ...simple, scheduledAt: "tomorrow" }, "scheduledAt"],
          [{ ...simple, scheduledAt: "2001-01-01T00:00:00Z" }, "scheduledAt"],
          [{ ...simple, txt: "typo" }, "txt"],
          [{ ...simple, to: { not: "" } }, "to"],
        ];
        for (const [body, field] of cases) {
          const refused = await send(auth, body);
          expect(refused.status, JSON.stringify(body).slice(0, 80)).toBe(422);
          expect(errorOf(refused)).toMatchObject({ code: "invalid_input", field });
        }
        for (const body of [null, [], 42, "text", { __proto__: { to: "x" } }]) {
          const refused = await send(auth, body);
          expect(refused.status).toBe(422);
        }
        const badKey = await send(auth, simple, { "Idempotency-Key": "é" });
        expect(badKey.status).toBe(422);
        expect(errorOf(badKey).field).toBe("Idempotency-Key");
        for (const query of [
          "status=lost",
          "limit=0",
          "limit=abc",
          "source=fax",
          "status=sent&status=failed",
        ]) {
          const list = await call(routes.messages.GET, {
            headers: auth,
            path: `/api/v1/messages?${query}`,
          });
          expect(list.status, query).toBe(422);
        }
        expect(await messageCount(user.id)).toBe(0);
      });

      it("429 with Retry-After once a key passes its rate", async () => {
        const { auth } = await owner();
        const other = await owner();
        const statuses: number[] = [];
        for (let i = 0; i < KEY_RATE; i++) {
          statuses.push((await call(routes.messages.GET, { headers: auth })).status);
        }
        expect(statuses.every((s) => s === 200)).toBe(true);
        const limited = await call(routes.messages.GET, { headers: auth });
        expect(limited.status).toBe(429);
        expect(errorOf(limited).code).toBe("rate_limited");
        expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
        expect(Number(limited.headers.get("retry-after"))).toBeLessThanOrEqual(60);
        // Another key is counted on its own.
        expect((await call(routes.messages.GET, { headers: other.auth })).status).toBe(200);
      });

      it("409 when canceling a message that can no longer be canceled", async () => {
        const { auth } = await owner();
        const later = await send(auth, { ...simple, scheduledAt: inAnHour() });
        const id = later.body.id as string;
        const first = await call(routes.cancel.POST, {
          method: "POST",
          headers: auth,
          params: { id },
        });
        expect(first.status).toBe(200);
        expect(first.body).toEqual({ id, status: "canceled" });
        const again = await call(routes.cancel.POST, {
          method: "POST",
          headers: auth,
          params: { id },
        });
        expect(again.status).toBe(409);
        expect(errorOf(again).code).toBe("conflict");
      });
    });

    describe("Idempotency-Key", () => {
      it("replays the first answer for the same body, and refuses another body with 422", async () => {
        const { user, auth } = await owner();
        const key = { "Idempotency-Key": "order-1" };
        const first = await send(auth, simple, key);
        expect(first.status).toBe(202);
        // The same body with its keys in another order is the same request.
        const again = await send(
          auth,
          { text: simple.text, subject: simple.subject, to: simple.to },
          key,
        );
        expect(again.status).toBe(202);
        expect(again.body).toEqual(first.body);
        expect(again.headers.get("idempotent-replayed")).toBe("true");
        const different = await send(auth, { ...simple, subject: "Other" }, key);
        expect(different.status).toBe(422);
        expect(errorOf(different).code).toBe("idempotency_key_reused");
        // Another key is another request.
        const second = await send(auth, simple, { "Idempotency-Key": "order-2" });
        expect(second.body.id).not.toBe(first.body.id);
        expect(await messageCount(user.id)).toBe(2);
      });

      it("makes exactly one message from ten identical requests at once", async () => {
        const { user, auth } = await owner();
        const answers = await Promise.all(
          Array.from({ length: 10 }, () => send(auth, simple, { "Idempotency-Key": "burst" })),
        );
        expect(answers.map((a) => a.status)).toEqual(Array(10).fill(202));
        expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
        expect(answers.filter((a) => a.headers.get("idempotent-replayed") === "true")).toHaveLength(
          9,
        );
        expect(await messageCount(user.id)).toBe(1);
      });

      it("forgets a key whose request was refused, so it can be tried again", async () => {
        const { user, auth } = await owner();
        const key = { "Idempotency-Key": "retry-me" };
        const refused = await send(auth, { ...simple, from: "someone@example.com" }, key);
        expect(refused.status).toBe(403);
        const accepted = await send(auth, simple, key);
        expect(accepted.status).toBe(202);
        expect(accepted.headers.get("idempotent-replayed")).toBeNull();
        expect(await messageCount(user.id)).toBe(1);
      });

      it("recovers a request that died before or after its accept, with one message", async () => {
        const { user, key: apiKey, auth } = await owner();
        const prisma = await db();
        const { requestHash } = await import("../../../lib/api/idempotency");
        const { enqueueMessage } = await import("../../../lib/outbox/enqueue-message");
        const { messageInputSchema } = await import("../../../lib/mail/message-input");
        const stale = new Date(Date.now() - 60_000);
        const record = (key: string, header: string) =>
          prisma.idempotencyRecord.create({
            data: {
              apiKeyId: apiKey.id,
              key,
              requestHash: requestHash(simple),
              messageIdHeader: header,
              claimedAt: stale,
            },
          });

        // Died before its accept: the next request takes the record over and sends, once, with
        // the Message-ID the record chose.
        await record("died-before", `<died-before-${n}@example.com>`);
        const taken = await send(auth, simple, { "Idempotency-Key": "died-before" });
        expect(taken.status).toBe(202);
        const message = await prisma.message.findUniqueOrThrow({
          where: { id: taken.body.id as string },
        });
        expect(message.messageIdHeader).toBe(`<died-before-${n}@example.com>`);

        // Died after its accept, before recording the answer: the message is the answer.
        const header = `<died-after-${n}@example.com>`;
        await record("died-after", header);
        const input = messageInputSchema.parse({ ...simple, from: user.email });
        const accepted = await enqueueMessage({ userId: user.id, input, messageIdHeader: header });
        const replayed = await send(auth, simple, { "Idempotency-Key": "died-after" });
        expect(replayed.status).toBe(202);
        expect(replayed.body).toEqual({ id: accepted.id, status: "queued" });
        expect(replayed.headers.get("idempotent-replayed")).toBe("true");
        expect(await messageCount(user.id)).toBe(2);
      });

      it("waits for an identical request in flight, and answers 409 if it does not finish", async () => {
        const { user, key: apiKey, auth } = await owner();
        const prisma = await db();
        const { requestHash } = await import("../../../lib/api/idempotency");
        await prisma.idempotencyRecord.create({
          data: {
            apiKeyId: apiKey.id,
            key: "in-flight",
            requestHash: requestHash(simple),
            messageIdHeader: `<in-flight-${n}@example.com>`,
          },
        });
        const started = Date.now();
        const refused = await send(auth, simple, { "Idempotency-Key": "in-flight" });
        expect(refused.status).toBe(409);
        expect(errorOf(refused).code).toBe("idempotency_in_progress");
        expect(Date.now() - started).toBeGreaterThanOrEqual(9_000);
        expect(await messageCount(user.id)).toBe(0);
      }, 30_000);

      it("remembers a key for 24 hours, then takes it as new", async () => {
        const { user, key: apiKey, auth } = await owner();
        const key = { "Idempotency-Key": "daily" };
        const first = await send(auth, simple, key);
        const prisma = await db();
        const record = { apiKeyId_key: { apiKeyId: apiKey.id, key: "daily" } };
        await prisma.idempotencyRecord.update({
          where: record,
          data: { createdAt: new Date(Date.now() - 23 * 3_600_000) },
        });
        expect((await send(auth, simple, key)).body.id).toBe(first.body.id);
        await prisma.idempotencyRecord.update({
          where: record,
          data: { createdAt: new Date(Date.now() - 25 * 3_600_000) },
        });
        const later = await send(auth, simple, key);
        expect(later.status).toBe(202);
        expect(later.body.id).not.toBe(first.body.id);
        expect(await messageCount(user.id)).toBe(2);
      });
    });

    it("serves an OpenAPI 3.1 document of every operation", async () => {
      const response = routes.openapi.GET();
      const document = (await response.json()) as {
        openapi: string;
        paths: Record<string, Record<string, unknown>>;
        components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
      };
      expect(document.openapi).toBe("3.1.0");
      expect(Object.keys(document.paths).sort()).toEqual([
        "/api/v1/messages",
        "/api/v1/messages/{id}",
        "/api/v1/messages/{id}/cancel",
      ]);
      expect(Object.keys(document.paths["/api/v1/messages"]!).sort()).toEqual(["get", "post"]);
      expect(Object.keys(document.components.schemas.NewMessage!.properties!)).toEqual(
        expect.arrayContaining([
          "from",
          "to",
          "cc",
          "bcc",
          "replyTo",
          "subject",
          "text",
          "html",
          "attachments",
          "headers",
          "scheduledAt",
        ]),
      );
    });
  });
}

function inAnHour(): string {
  return new Date(Date.now() + 3_600_000).toISOString();
}
