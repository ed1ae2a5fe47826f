// Two people on one Mailroom: everything B can ask for about A's messages — pages, cursors,
// server actions, routes — shows none of A's data and changes none of A's rows.
import { expect, test } from "@playwright/test";
import { startMailroomServer, type MailroomServer } from "./support/mailroom-server";
import {
  deferForADay,
  seedSignedInUser,
  writeDatabase,
  type SeededUser,
} from "./support/seed-session";
import {
  actionHeaders,
  formArgs,
  jsonArgs,
  serverActions,
  type ActionRef,
} from "./support/server-actions";

const A_SECRETS = [
  "alice@example.com", // A's own address, shown on A's pages
  "Merger terms draft",
  "Salary review",
  "Layoff plan",
  "counsel@lawfirm.example",
  "cfo@example.net",
  "board@example.org",
  "Do not forward",
];

let app: MailroomServer;
let a: SeededUser;
let b: SeededUser;
const aMessages: string[] = [];
const bMessages: string[] = [];

test.beforeAll(async () => {
  app = await startMailroomServer();
  a = seedSignedInUser(app.databaseFile, "alice@example.com");
  b = seedSignedInUser(app.databaseFile, "bruno@example.com");
  // B writes before and after A, so a cursor that positioned B's list by A's message would show.
  bMessages.push(await compose(b, "Bruno's first", "friend@example.org", ""));
  for (const subject of ["Merger terms draft", "Salary review", "Layoff plan"]) {
    await pause(5);
    aMessages.push(await compose(a, subject, "counsel@lawfirm.example", "cfo@example.net"));
  }
  await pause(5);
  bMessages.push(await compose(b, "Bruno's second", "friend@example.org", ""));
  // A security event of A's, which B's audit page must not show.
  writeDatabase(
    app.databaseFile,
    `INSERT INTO "AuditEvent" (id, userId, kind, email, detail, createdAt) VALUES (?, ?, 'sign_in', ?, ?, ?)`,
    "caudit0000000000000000001",
    a.id,
    "alice@example.com",
    "Signed in from the Layoff plan meeting room",
    new Date().toISOString().replace("Z", "+00:00"),
  );
  deferForADay(app.databaseFile, aMessages[2]!);
});

test.afterAll(async () => {
  await app.stop();
});

test("B can neither read nor change A's messages", async () => {
  const started = Date.now();
  const before = snapshot(a.id);
  const actions = serverActions();
  const cancel = actions.cancelMessageAction!;
  const retry = actions.retryMessageNowAction!;
  const send = actions.sendMessageAction!;
  const testConnection = actions.testConnectionAction!;
  const undo = actions.undoSendAction!;
  const suggest = actions.suggestRecipientsAction!;
  let checks = 0;

  const firstPage = await get("/history", b);
  const bPage = historyRows(firstPage.body);
  expect(bPage).toEqual(["Bruno's second", "Bruno's first"]);

  const requests: {
    label: string;
    run: () => Promise<{ status: number; body: string }>;
    /** What B typed and the form hands back: not a leak. */
    echoes?: string;
  }[] = [];
  for (const id of aMessages) {
    requests.push(
      { label: `page /history/${id}`, run: () => get(`/history/${id}`, b) },
      { label: `page /history/${id} (RSC)`, run: () => get(`/history/${id}`, b, { RSC: "1" }) },
      { label: `page /history?cursor=${id}`, run: () => get(`/history?cursor=${id}`, b) },
      {
        label: `page /history?cursor=${id}&cursor=${id}`,
        run: () => get(`/history?cursor=${id}&cursor=${id}`, b),
      },
      { label: `page /compose?copy=${id}`, run: () => get(`/compose?copy=${id}`, b) },
      { label: `route /api/messages/${id}/raw`, run: () => get(`/api/messages/${id}/raw`, b) },
      { label: `route /api/messages/${id}/body`, run: () => get(`/api/messages/${id}/body`, b) },
    );
    for (const [name, action] of [
      ["cancel", cancel],
      ["retry", retry],
      ["undo send", undo],
    ] as const) {
      for (const arg of [id, { equals: id }, { in: aMessages }, { not: "" }, [id]]) {
        requests.push({
          label: `${name}(${JSON.stringify(arg)})`,
          run: () => post(action.page, b, action, jsonArgs([arg]).body),
        });
      }
    }
  }
  requests.push(
    {
      label: "compose from A's address",
      echoes: a.email,
      run: () =>
        post(
          send.page,
          b,
          send,
          formArgs([
            ["from", a.email],
            ["to", "x@example.org"],
            ["subject", "hi"],
            ["text", "hi"],
          ]),
        ),
    },
    // Compose's autocomplete: A's recipients are never B's suggestions.
    ...["c", "counsel", "cfo@"].map((prefix) => ({
      label: `suggest recipients "${prefix}"`,
      run: () => post(suggest.page, b, suggest, jsonArgs([prefix]).body),
    })),
    {
      label: "connection test",
      run: () => post(testConnection.page, b, testConnection, formArgs([["mode", "implicit"]])),
    },
    { label: "page /compose", run: () => get("/compose", b) },
    { label: "page /overview", run: () => get("/overview", b) },
    { label: "page /setup", run: () => get("/setup", b) },
    { label: "page /status", run: () => get("/status", b) },
    { label: "page /audit", run: () => get("/audit", b) },
    {
      label: "page /audit?cursor=<A's event>",
      run: () => get("/audit?cursor=caudit0000000000000000001", b),
    },
    { label: "route /api/auth/session", run: () => get("/api/auth/session", b) },
    { label: "route /api/health", run: () => get("/api/health", b) },
  );

  for (const request of requests) {
    for (const who of [b, undefined]) {
      const label = `${who ? "B" : "nobody"}: ${request.label}`;
      const { status, body } = await (who ? request.run() : runAsNobody(request.run));
      expect(status, label).toBeLessThan(500);
      checks++;
      for (const secret of A_SECRETS.filter((s) => s !== request.echoes)) {
        expect(body.includes(secret), `${label} shows "${secret}"`).toBe(false);
        checks++;
      }
      if (who && request.label.startsWith("page /history?cursor=")) {
        // A's id is not B's: B sees the first page of B's own messages, not a page placed by A's.
        expect(historyRows(body), label).toEqual(bPage);
        checks++;
      }
      if (who && request.label.startsWith("page /history/c") && !request.label.endsWith("(RSC)")) {
        expect(status, label).toBe(404);
        checks++;
      }
      if (request.label.startsWith("route /api/messages/")) {
        // Not B's, and nobody's without a session: neither says whether the message exists.
        expect(status, label).toBe(who ? 404 : 401);
        checks++;
      }
    }
  }

  expect(snapshot(a.id)).toEqual(before);
  checks++;
  console.log(
    `tenant matrix: ${requests.length * 2} requests, ${checks} checks in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
});

let nobody = false;
async function runAsNobody<T>(run: () => Promise<T>): Promise<T> {
  nobody = true;
  try {
    return await run();
  } finally {
    nobody = false;
  }
}

function cookieOf(user: SeededUser): Record<string, string> {
  return nobody ? {} : { Cookie: user.cookie };
}

async function get(path: string, user: SeededUser, headers: Record<string, string> = {}) {
  const response = await fetch(`${app.baseUrl}${path}`, {
    headers: { ...cookieOf(user), ...headers },
    redirect: "manual",
  });
  return { status: response.status, body: await response.text() };
}

async function post(path: string, user: SeededUser, action: ActionRef, body: string | FormData) {
  const { Cookie: _cookie, ...headers } = actionHeaders(action, app.baseUrl, user.cookie);
  const response = await fetch(`${app.baseUrl}${path}`, {
    method: "POST",
    headers: {
      ...headers,
      ...cookieOf(user),
      ...(typeof body === "string" ? { "Content-Type": "text/plain;charset=UTF-8" } : {}),
    },
    body,
    redirect: "manual",
  });
  return { status: response.status, body: await response.text() };
}

async function compose(user: SeededUser, subject: string, to: string, cc: string) {
  const action = serverActions().sendMessageAction!;
  const response = await fetch(`${app.baseUrl}${action.page}`, {
    method: "POST",
    headers: actionHeaders(action, app.baseUrl, user.cookie),
    body: formArgs([
      ["from", user.email],
      ["to", to],
      ["cc", cc],
      ["bcc", user === a ? "board@example.org" : ""],
      ["subject", subject],
      ["text", user === a ? "Do not forward." : "Hello"],
      ["scheduledAt", new Date(Date.now() + 7 * 86_400_000).toISOString()],
    ]),
  });
  const text = await response.text();
  const id = /"ok":\{"id":"(c[0-9a-z]+)"/.exec(text)?.[1];
  if (!id) throw new Error(`compose did not queue a message (${response.status}): ${text}`);
  return id;
}

/** The subjects in the history table, top to bottom. */
function historyRows(html: string): string[] {
  return [
    ...html.matchAll(/data-testid="history-row".*?href="\/history\/c[0-9a-z]+"[^>]*>([^<]*)</gs),
  ].map((m) => m[1]!.replace(/&#x27;/g, "'"));
}

function snapshot(userId: string) {
  return {
    messages: app.query(`SELECT * FROM "Message" WHERE userId = ? ORDER BY id`, userId),
    events: app.query(
      `SELECT e.* FROM "MessageEvent" e JOIN "Message" m ON m.id = e.messageId WHERE m.userId = ? ORDER BY e.id`,
      userId,
    ),
    content: app.query(
      `SELECT c.messageId, c.textBody FROM "MessageContent" c JOIN "Message" m ON m.id = c.messageId WHERE m.userId = ?`,
      userId,
    ),
  };
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
