// In-process fuzz of every server action and page: thousands of malformed arguments, signed in
// and signed out. Each call answers with its error shape (or Next's redirect / not-found), never
// a throw, and no call changes another user's rows or the caller's own earlier messages. The
// HTTP fuzz (tests/e2e/fuzz.spec.ts) covers the same surface through Next.js, at a lower count.
import fc from "fast-check";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { startEmulator, type Emulator } from "../../../emulator";
import { createApiKey } from "../../../lib/api-keys/create-api-key";
import { db } from "../../../lib/db";
import { messageInputSchema } from "../../../lib/mail/message-input";
import { closeAllTransports } from "../../../lib/mail/transport-pool";
import { enqueueMessage } from "../../../lib/outbox/enqueue-message";
import { mockedSessionModule, session } from "../../support/mock-session";
import { seedUser } from "../../support/seed-user";
import { configureTestEnvironment } from "../../support/test-app-env";
import { testCa } from "../../support/test-ca";

vi.mock("server-only", () => ({}));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));
vi.mock("../../../lib/auth/session", () => mockedSessionModule);

const SEED = Number(process.env.FUZZ_SEED ?? 20_260_601);
const RUNS = Number(process.env.FUZZ_CALLS ?? 12_000);

type Fn = (...args: unknown[]) => Promise<unknown>;
const history = await import("../../../app/(dashboard)/history/actions");
const compose = await import("../../../app/(dashboard)/compose/actions");
const status = await import("../../../app/(dashboard)/status/actions");
const apiKeys = await import("../../../app/(dashboard)/settings/api-keys/actions");
const actions: Record<string, Fn> = {
  cancelMessageAction: history.cancelMessageAction as Fn,
  retryMessageNowAction: history.retryMessageNowAction as Fn,
  sendMessageAction: compose.sendMessageAction as Fn,
  testConnectionAction: status.testConnectionAction as Fn,
  recheckSenderDomainsAction: status.recheckSenderDomainsAction as Fn,
  createApiKeyAction: apiKeys.createApiKeyAction as Fn,
  revokeApiKeyAction: apiKeys.revokeApiKeyAction as Fn,
};
const pages: Record<string, (props: unknown) => Promise<unknown>> = {
  "/": (await import("../../../app/page")).default as never,
  "/history": (await import("../../../app/(dashboard)/history/page")).default as never,
  "/history/[id]": (await import("../../../app/(dashboard)/history/[id]/page")).default as never,
  "/compose": (await import("../../../app/(dashboard)/compose/page")).default as never,
  "/overview": (await import("../../../app/(dashboard)/overview/page")).default,
  "/setup": (await import("../../../app/(dashboard)/setup/page")).default,
  "/status": (await import("../../../app/(dashboard)/status/page")).default,
  "/audit": (await import("../../../app/(dashboard)/audit/page")).default as never,
  "/settings/api-keys": (await import("../../../app/(dashboard)/settings/api-keys/page")).default,
  "/api-reference": (await import("../../../app/(dashboard)/api-reference/page")).default,
  "/send-from-your-app": (await import("../../../app/(dashboard)/send-from-your-app/page")).default,
};

let emu: Emulator;
const users: Record<"fuzzer" | "victim", { id: string; email: string; messages: string[] }> = {
  fuzzer: { id: "", email: "", messages: [] },
  victim: { id: "", email: "", messages: [] },
};

beforeAll(async () => {
  emu = await startEmulator({ ca: testCa() });
  configureTestEnvironment(emu);
  for (const who of ["fuzzer", "victim"] as const) {
    const { user, account } = await seedUser(emu, `${who}@example.com`);
    users[who] = { id: user.id, email: user.email, messages: [] };
    for (const subject of ["Quarterly numbers", "Board minutes"]) {
      const input = messageInputSchema.parse({
        from: account.email,
        to: "dana@example.org",
        subject,
        text: "Private notes",
      });
      const at = new Date(Date.now() + 86_400_000);
      users[who].messages.push(
        (await enqueueMessage({ userId: user.id, input, scheduledAt: at })).id,
      );
    }
    const prisma = await db();
    await prisma.message.update({
      where: { id: users[who].messages[1] },
      data: { status: "deferred", nextAttemptAt: new Date(Date.now() + 86_400_000) },
    });
  }
  // A key of the victim's, whose id the fuzzer tries on the revoke action.
  victimKeyId = (
    await createApiKey(users.victim.id, {
      name: "Victim's key",
      permission: "send",
      allowedFrom: [users.victim.email],
    })
  ).id;
});

let victimKeyId = "";

afterAll(async () => {
  closeAllTransports();
  await emu.stop();
});

async function snapshot(userId: string, only?: string[]) {
  const prisma = await db();
  return prisma.user.findUniqueOrThrow({
    where: { id: userId },
    include: {
      accounts: true,
      apiKeys: true,
      messages: {
        where: only ? { id: { in: only } } : {},
        include: { events: true, content: true },
        orderBy: { id: "asc" },
      },
    },
  });
}

/** redirect() and notFound() are how pages and actions answer; anything else thrown is a bug. */
function isNextAnswer(error: unknown): boolean {
  const digest = (error as { digest?: unknown } | null)?.digest;
  return typeof digest === "string" && /^(NEXT_REDIRECT|NEXT_HTTP_ERROR_FALLBACK);/.test(digest);
}

it(`${RUNS} malformed calls to every action and page: no throw, no other user's data touched`, async () => {
  const before = {
    victim: await snapshot(users.victim.id),
    fuzzer: await snapshot(users.fuzzer.id, users.fuzzer.messages),
  };
  const ids = [...users.victim.messages, users.victim.id, victimKeyId];
  const text = fc.oneof(
    { weight: 4, arbitrary: fc.string({ maxLength: 30 }) },
    { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 30 }) },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        "",
        "__proto__",
        "constructor",
        "c000000000000000000000000",
        "\r\nBcc: x@example.org",
        "😀".repeat(300),
        "a".repeat(70_000),
        users.fuzzer.email,
        "bob@example.org",
        ...ids,
      ),
    },
  );
  const value: fc.Arbitrary<unknown> = fc.oneof(
    { weight: 3, arbitrary: text },
    {
      weight: 2,
      arbitrary: fc.constantFrom<unknown>(
        { not: "" },
        { in: ids },
        { contains: "" },
        { equals: ids[0] },
        [ids[0], ids[1]],
        null,
        undefined,
        0,
        Number.NaN,
        {},
        [],
      ),
    },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
    {
      weight: 2,
      arbitrary: fc
        .array(
          fc.tuple(
            fc.oneof(
              fc.constantFrom(
                "from",
                "to",
                "subject",
                "text",
                "mode",
                "scheduledAt",
                "name",
                "permission",
                "allowedFrom",
              ),
              text,
            ),
            fc.oneof(text, fc.constant(new Blob(["x"]))),
          ),
          { maxLength: 6 },
        )
        .map((entries) => {
          const form = new FormData();
          for (const [k, v] of entries) form.append(k, v);
          return form;
        }),
    },
  );
  const searchParams = fc.dictionary(
    fc.oneof(
      fc.constantFrom(
        "cursor",
        "error",
        "status",
        "kind",
        "source",
        "copy",
        "images",
        "q",
        "from",
        "to",
        "newer",
      ),
      text,
    ),
    fc.oneof(text, fc.constantFrom(...ids, "1"), fc.array(text, { maxLength: 3 })),
    { maxKeys: 3 },
  );
  const call = fc.oneof(
    fc.record({
      kind: fc.constant("action" as const),
      name: fc.constantFrom(...Object.keys(actions)),
      args: fc.array(value, { maxLength: 3 }),
      signedIn: fc.boolean(),
    }),
    fc.record({
      kind: fc.constant("page" as const),
      name: fc.constantFrom(...Object.keys(pages)),
      params: fc.record({ id: fc.oneof(text, fc.constantFrom(...ids)) }),
      searchParams,
      signedIn: fc.boolean(),
    }),
  );

  const counts: Record<string, number> = {};
  const started = Date.now();
  await fc.assert(
    fc.asyncProperty(call, async (c) => {
      counts[c.name] = (counts[c.name] ?? 0) + 1;
      session.user = c.signedIn
        ? { id: users.fuzzer.id, email: users.fuzzer.email, name: null }
        : null;
      try {
        if (c.kind === "action") {
          const result = await actions[c.name]!(...c.args);
          expect(result).toBeTypeOf("object");
          expect(c.signedIn).toBe(true); // a signed-out call must have been redirected
        } else {
          await pages[c.name]!({
            params: Promise.resolve(c.params),
            searchParams: Promise.resolve(c.searchParams),
          });
        }
      } catch (error) {
        if (!isNextAnswer(error)) throw error;
      }
    }),
    { seed: SEED, numRuns: RUNS, endOnFailure: true },
  );
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  console.log(
    `in-process fuzz: seed ${SEED}, ${total} calls in ${((Date.now() - started) / 1000).toFixed(1)} s: ${JSON.stringify(counts)}`,
  );

  expect(await snapshot(users.victim.id)).toEqual(before.victim);
  expect(await snapshot(users.fuzzer.id, users.fuzzer.messages)).toEqual(before.fuzzer);
}, 120_000);
