// Thousands of malformed requests against every page, route and server action of the production
// build, signed in and signed out: none may answer 5xx, and no other user's rows may change.
// Deterministic: the seed is printed; FUZZ_SEED=<seed> replays a run, FUZZ_CALLS sets its size.
import { expect, test } from "@playwright/test";
import fc from "fast-check";
import { startMailroomServer, type MailroomServer } from "./support/mailroom-server";
import {
  actionHeaders,
  formArgs,
  jsonArgs,
  serverActions,
  type ActionRef,
} from "./support/server-actions";
import { deferForADay, seedSignedInUser, type SeededUser } from "./support/seed-session";

const SEED = Number(process.env.FUZZ_SEED ?? 20_260_601);
// The in-process fuzz (tests/integration/http/edge-fuzz.test.ts) makes the bulk of the calls; over
// HTTP this machine's production server answers ~60 a second, so fewer here keep `npm test` short.
const CALLS = Number(process.env.FUZZ_CALLS ?? 2_000);
// FUZZ_ONLY=12,345 replays just those calls of the run (same seed and size).
const ONLY = process.env.FUZZ_ONLY?.split(",").map(Number);
const CONCURRENCY = 8;

interface Call {
  label: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | FormData;
}

let app: MailroomServer;
let actions: ActionRef[];
let fuzzer: SeededUser;
let victim: SeededUser;
const victimMessages: string[] = [];
const fuzzerMessages: string[] = [];

test.beforeAll(async () => {
  app = await startMailroomServer();
  actions = Object.values(serverActions());
  fuzzer = seedSignedInUser(app.databaseFile, "fuzzer@example.com");
  victim = seedSignedInUser(app.databaseFile, "victim@example.com");
  for (const [user, ids] of [
    [victim, victimMessages],
    [fuzzer, fuzzerMessages],
  ] as const) {
    for (const subject of ["Quarterly numbers", "Board minutes"]) {
      ids.push(await composeLater(user, subject));
    }
    // One of each user's messages waits in "deferred", the state "Retry now" acts on.
    deferForADay(app.databaseFile, ids[1]!);
  }
});

test.afterAll(async () => {
  await app.stop();
});

test(`${CALLS} malformed calls: no 5xx, no other user's data touched`, async () => {
  test.setTimeout(180_000);
  const before = { victim: snapshot(victim.id), fuzzer: snapshot(fuzzer.id) };
  const calls = fc.sample(callArbitrary(), { seed: SEED, numRuns: CALLS });
  console.log(`fuzz: seed ${SEED}, ${calls.length} calls, ${CONCURRENCY} at a time`);

  const started = Date.now();
  let sent = 0;
  const failures: string[] = [];
  const statuses = new Map<number | string, number>();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < calls.length; i = next++) {
        if (ONLY && !ONLY.includes(i)) continue;
        const call = calls[i]!;
        sent++;
        const status = await send(call).catch((e: Error) => unreadable(call, e));
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (typeof status === "number" ? status >= 500 : status.startsWith("network error")) {
          const parts = call.body instanceof FormData ? JSON.stringify([...call.body.keys()]) : "";
          failures.push(
            `#${i} ${call.label} ${call.method} ${call.path.slice(0, 200)} ${parts} → ${status}`,
          );
        }
      }
    }),
  );
  const seconds = (Date.now() - started) / 1000;
  console.log(
    `fuzz: ${sent} calls in ${seconds.toFixed(1)} s (${Math.round(sent / seconds)}/s);` +
      ` statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => String(a[0]).localeCompare(String(b[0])))))}`,
  );

  expect(failures.slice(0, 20), `${failures.length} calls failed (seed ${SEED})`).toEqual([]);
  expect(snapshot(victim.id)).toEqual(before.victim);
  // The fuzzer's own earlier messages change only through a well-formed call naming them, and
  // their ids are never in the fuzzer's pool: a change means a malformed id matched rows. Its
  // account row may change through well-formed calls that need no id (how it sends, the
  // connection test pausing an account that has no refresh token), so it is left out.
  const { accounts: _after, ...fuzzerAfter } = snapshot(fuzzer.id, fuzzerMessages);
  const { accounts: _before, ...fuzzerBefore } = before.fuzzer;
  expect(fuzzerAfter).toEqual(fuzzerBefore);
});

/**
 * Two answers Node's fetch cannot read, neither a server failure: Node's server refuses a request
 * whose headers pass its 16 kB limit (431) and may close the socket before the body is written;
 * Next's redirect of "/history/?<long query>" to "/history?…" repeats the URL in its headers,
 * past the client's own 16 kB limit (browsers read it).
 */
function unreadable(call: Call, error: Error): string {
  const code = (error.cause as { code?: string } | undefined)?.code;
  const head = Object.entries(call.headers).reduce((n, [k, v]) => n + k.length + v.length, 0);
  if (call.path.length + head > 16_000) return "refused: headers over 16 kB";
  if (code === "UND_ERR_HEADERS_OVERFLOW") return "redirect with headers over 16 kB";
  return `network error: ${error.message} (${code ?? "no code"})`;
}

async function send(call: Call): Promise<number> {
  const response = await fetch(`${app.baseUrl}${call.path}`, {
    method: call.method,
    headers: call.headers,
    body: call.body,
    redirect: "manual",
  });
  await response.arrayBuffer();
  return response.status;
}

/** Everything stored for a user (messages, events, bodies, account, sessions), as plain rows. */
function snapshot(userId: string, only?: string[]) {
  const messages = app
    .query<{ id: string }>(`SELECT * FROM "Message" WHERE userId = ? ORDER BY id`, userId)
    .filter((m) => !only || only.includes(m.id));
  const ids = messages.map((m) => m.id);
  const where = `messageId IN (${ids.map(() => "?").join(",") || "''"})`;
  return {
    messages,
    events: app.query(`SELECT * FROM "MessageEvent" WHERE ${where} ORDER BY id`, ...ids),
    content: app.query(`SELECT messageId, textBody FROM "MessageContent" WHERE ${where}`, ...ids),
    user: app.query(`SELECT * FROM "User" WHERE id = ?`, userId),
    accounts: app.query(`SELECT * FROM "Account" WHERE userId = ?`, userId),
    sessions: app.query(`SELECT * FROM "Session" WHERE userId = ?`, userId),
  };
}

async function composeLater(user: SeededUser, subject: string): Promise<string> {
  const action = serverActions().sendMessageAction!;
  const response = await fetch(`${app.baseUrl}${action.page}`, {
    method: "POST",
    headers: actionHeaders(action, app.baseUrl, user.cookie),
    body: formArgs([
      ["from", user.email],
      ["to", "Dana <dana@example.org>"],
      ["subject", subject],
      ["text", "Private notes"],
      ["scheduledAt", new Date(Date.now() + 7 * 86_400_000).toISOString()],
    ]),
  });
  const text = await response.text();
  const id = /"ok":\{"id":"(c[0-9a-z]+)"/.exec(text)?.[1];
  if (!id) throw new Error(`compose did not queue a message (${response.status}): ${text}`);
  return id;
}

// ---- what a hostile or broken client sends ----

function callArbitrary(): fc.Arbitrary<Call> {
  const ids = () => [...victimMessages, victim.id];
  const text = fc.oneof(
    { weight: 4, arbitrary: fc.string({ maxLength: 40 }) },
    { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 40 }) },
    { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        "",
        " ",
        "null",
        "undefined",
        "[]",
        "{}",
        "__proto__",
        "constructor",
        "toString",
        "../../etc/passwd",
        "%00",
        "\u0000",
        "\r\nBcc: x@example.org",
        "c000000000000000000000000",
        "C" + "0".repeat(24),
        "é".repeat(300),
        "😀".repeat(500),
        "\u202e\u200b\ufeff",
        ...ids(),
      ),
    },
    { weight: 1, arbitrary: fc.nat(3).map((n) => "a".repeat(10 ** (n + 2))) }, // 100 B … 100 kB
  );
  const prismaShapes = fc.constantFrom<unknown>(
    { not: "" },
    { in: ids() },
    { notIn: [] },
    { contains: "" },
    { startsWith: "c" },
    { gt: "" },
    { equals: victimMessages[0] },
    { not: { equals: "" } },
    [victimMessages[0], victimMessages[1]],
  );
  const value: fc.Arbitrary<unknown> = fc.oneof(
    { weight: 3, arbitrary: text },
    { weight: 2, arbitrary: prismaShapes },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
    { weight: 1, arbitrary: fc.constantFrom<unknown>(null, true, 0, -1, 1e308, [], {}) },
  );
  const auth = fc.constantFrom<"fuzzer" | "nobody" | "forged">(
    "fuzzer",
    "fuzzer",
    "nobody",
    "forged",
  );
  const cookieOf = (who: "fuzzer" | "nobody" | "forged", junk: string) =>
    who === "fuzzer"
      ? { Cookie: fuzzer.cookie }
      : who === "forged"
        ? { Cookie: `next-auth.session-token=${enc(junk)}` }
        : ({} as Record<string, string>);
  const query = fc
    .array(
      fc.tuple(
        fc.oneof(fc.constantFrom("cursor", "error", "status", "id", "callbackUrl"), text),
        value,
      ),
      { maxLength: 4 },
    )
    .map((pairs) => pairs.map(([k, v]) => `${enc(k)}=${enc(stringify(v))}`).join("&"));
  const rawQuery = fc.oneof(
    query,
    fc.constantFrom(
      "cursor=a&cursor=b",
      "kind=sign_in&kind=sign_out",
      "kind=__proto__",
      "cursor[]=x",
      "cursor=%zz",
      "error=__proto__",
      "%",
      "&&=&",
    ),
  );
  const pagePath = fc.oneof(
    fc.constantFrom("/", "/compose", "/history", "/status", "/history/", "/audit"),
    text.map((t) => `/history/${enc(t)}`),
    fc.constantFrom(...ids()).map((id) => `/history/${id}`),
    text.map((t) => `/${enc(t)}`),
  );
  const routePath = fc.oneof(
    fc.constantFrom(
      "/api/health",
      "/api/auth/session",
      "/api/auth/csrf",
      "/api/auth/providers",
      "/api/auth/signin",
      "/api/auth/signin/google",
      "/api/auth/callback/google",
      "/api/auth/signout",
      "/api/auth/error",
      "/api/auth/_log",
    ),
    text.map((t) => `/api/auth/${enc(t)}`),
    text.map((t) => `/api/${enc(t)}`),
  );
  const method = fc.constantFrom("GET", "GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD");
  const contentType = fc.constantFrom(
    "text/plain;charset=UTF-8",
    "application/json",
    "application/x-www-form-urlencoded",
    "multipart/form-data",
    "multipart/form-data; boundary=x",
    "application/octet-stream",
    "text/x-component",
    "",
  );
  const rawBody = fc.oneof(
    text,
    fc.jsonValue().map((v) => JSON.stringify(v)),
    fc.constantFrom(
      "[",
      "[1,",
      '{"a":',
      "\u0000\u0001",
      '["$K1"]',
      '["$Q1"]',
      '["$@1"]',
      '["$h1"]',
    ),
  );

  const page = fc
    .record({ path: pagePath, q: rawQuery, who: auth, junk: text, method })
    .map(({ path, q, who, junk, method }): Call => ({
      label: `page(${who})`,
      method: method === "POST" ? "GET" : method,
      path: q ? `${path}?${q}` : path,
      headers: cookieOf(who, junk),
    }));
  const route = fc
    .record({
      path: routePath,
      q: rawQuery,
      who: auth,
      junk: text,
      method,
      type: contentType,
      body: rawBody,
    })
    .map(({ path, q, who, junk, method, type, body }): Call => ({
      label: `route(${who})`,
      method,
      path: q ? `${path}?${q}` : path,
      headers: { ...cookieOf(who, junk), ...(type ? { "Content-Type": type } : {}) },
      body: method === "GET" || method === "HEAD" ? undefined : body,
    }));
  const action = fc.constantFrom(...actions);
  const jsonAction = fc
    .record({
      action,
      who: auth,
      junk: text,
      args: fc.oneof(
        fc.array(value, { maxLength: 3 }).map((a) => jsonArgs(a).body),
        fc.tuple(prismaShapes).map((a) => jsonArgs(a).body),
        rawBody,
      ),
    })
    .map(({ action, who, junk, args }): Call => ({
      label: `action ${action.name} json(${who})`,
      method: "POST",
      path: action.page,
      headers: {
        ...actionHeaders(action, app.baseUrl),
        ...cookieOf(who, junk),
        "Content-Type": "text/plain;charset=UTF-8",
      },
      body: args,
    }));
  const field = fc.tuple(
    fc.oneof(
      fc.constantFrom("from", "to", "cc", "bcc", "subject", "text", "scheduledAt", "mode"),
      text,
    ),
    fc.oneof(value.map(stringify), fc.constantFrom(fuzzer.email, "bob@example.org")),
  );
  const formAction = fc
    .record({
      action,
      who: auth,
      junk: text,
      fields: fc.array(field, { maxLength: 8 }),
      repeat: fc.boolean(),
      root: fc.oneof(
        fc.constant(undefined),
        value.map((v) => JSON.stringify([v, "$K1"])),
        rawBody,
      ),
    })
    .map(({ action, who, junk, fields, repeat, root }): Call => {
      const body = formArgs(repeat && fields[0] ? [...fields, fields[0]] : fields);
      if (root !== undefined) body.set("0", root);
      return {
        label: `action ${action.name} form(${who})`,
        method: "POST",
        path: action.page,
        headers: { ...actionHeaders(action, app.baseUrl), ...cookieOf(who, junk) },
        body,
      };
    });
  const oddAction = fc
    .record({ path: pagePath, who: auth, junk: text, id: text, type: contentType, body: rawBody })
    .map(({ path, who, junk, id, type, body }): Call => ({
      label: `unknown action(${who})`,
      method: "POST",
      path,
      headers: {
        "Next-Action": id.replace(/[^\x20-\x7e]/g, "") || "0",
        Origin: app.baseUrl,
        ...cookieOf(who, junk),
        ...(type ? { "Content-Type": type } : {}),
      },
      body,
    }));

  return fc.oneof(
    { weight: 3, arbitrary: page },
    { weight: 2, arbitrary: route },
    { weight: 3, arbitrary: jsonAction },
    { weight: 3, arbitrary: formAction },
    { weight: 1, arbitrary: oddAction },
  );
}

/** Lone UTF-16 surrogates cannot be percent-encoded; a real client would send U+FFFD. */
function wellFormed(text: string): string {
  return text.replace(
    /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
    "\uFFFD",
  );
}

function enc(text: string): string {
  return encodeURIComponent(wellFormed(text));
}

function stringify(value: unknown): string {
  return typeof value === "string" ? value : (JSON.stringify(value) ?? "");
}
