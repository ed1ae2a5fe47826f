// Refuses a POST that Next.js itself would answer with a 500: a server-action id not in the shape
// Next gives, a body React's decoder would choke on (bad JSON, a broken form, a reference to a
// part that is not there), or any form Next would try to decode as a no-JavaScript action post
// and cannot. What passes still goes through each action's own zod schema.
/** next.config.js's serverActions.bodySizeLimit: past it Next answers 500, so refuse first. */
export const MAX_POST_BYTES = 30 * 1024 * 1024;
const ACTION_ID = /^[0-9a-f]{40,42}$/;
const PART_FIELD = /^_[0-9a-f]+_/;
// React's encodings of values that need no other part: an escaped "$…" string, undefined,
// special numbers, big integers, dates, and (in a form post) the form itself as "$K<part>".
const SELF_CONTAINED = /^\$(?:\$.*|undefined|NaN|-?Infinity|-0|n-?\d{1,400}|D.{1,40})$/s;
const FORM_REFERENCE = /^\$K[0-9a-f]{1,8}$/;
const ROOT_PATH = /^\$0:(.{1,1000})$/s;
const MAX_DEPTH = 64;
// Next's multipart parser (busboy) rejects control characters in part names that the standard
// FormData parser accepts; no form of Mailroom's has them.
const CONTROL_CHARACTER = /\p{Cc}/u;
// …and a part header past its 16 kB limit; Mailroom's own field names are a few characters.
const MAX_PART_NAME = 1_000;

export type ActionRequestVerdict =
  { ok: true } | { ok: false; status: 400 | 413 | 415; reason: string };

/** Checks a POST's body before Next.js decodes it; other methods are not this module's. */
export async function checkPostRequest(request: Request): Promise<ActionRequestVerdict> {
  if (Number(request.headers.get("content-length") ?? 0) > MAX_POST_BYTES) {
    return refuse(413, "The request is larger than Mailroom accepts (a message is at most 25 MB).");
  }
  const isMultipart = (request.headers.get("content-type") ?? "")
    .toLowerCase()
    .startsWith("multipart/form-data");
  if (request.headers.has("next-action")) return checkActionRequest(request);
  if (!isMultipart) return { ok: true };
  const form = await readForm(request);
  return form instanceof FormData ? { ok: true } : form;
}

/** Checks a POST that carries a Next-Action header, i.e. a server action called by the client. */
export async function checkActionRequest(request: Request): Promise<ActionRequestVerdict> {
  const id = request.headers.get("next-action") ?? "";
  if (!ACTION_ID.test(id)) return refuse(400, "Invalid Server Action request.");
  const type = (request.headers.get("content-type") ?? "").toLowerCase();
  if (type.startsWith("multipart/form-data")) {
    const form = await readForm(request);
    if (!(form instanceof FormData)) return form;
    const root = form.get("0");
    if (typeof root !== "string") return refuse(400, "The form has no arguments part.");
    for (const name of form.keys()) {
      if (name !== "0" && !PART_FIELD.test(name)) return refuse(400, "Unexpected form part.");
    }
    return checkArguments(root, true);
  }
  if (type === "" || type.startsWith("text/plain")) {
    let body: string;
    try {
      body = await request.text();
    } catch {
      return refuse(400, "The request body could not be read.");
    }
    return checkArguments(body, false);
  }
  return refuse(415, "Server actions take text/plain or multipart/form-data.");
}

async function readForm(request: Request): Promise<FormData | ActionRequestVerdict> {
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    return refuse(400, "The form could not be read.");
  }
  for (const [name, value] of form.entries()) {
    const file = typeof value === "string" ? "" : value.name;
    for (const label of [name, file]) {
      if (label.length > MAX_PART_NAME || CONTROL_CHARACTER.test(label)) {
        return refuse(400, "A form field has an invalid name.");
      }
    }
  }
  return form;
}

function checkArguments(json: string, inForm: boolean): ActionRequestVerdict {
  let root: unknown;
  try {
    root = JSON.parse(json);
  } catch {
    return refuse(400, "The arguments are not valid JSON.");
  }
  if (!Array.isArray(root)) return refuse(400, "The arguments are not a list.");
  const bad = findBadReference(root, root, inForm, 0);
  return bad ? refuse(400, bad) : { ok: true };
}

function findBadReference(
  value: unknown,
  root: unknown,
  inForm: boolean,
  depth: number,
): string | undefined {
  if (depth > MAX_DEPTH) return "The arguments are nested too deeply.";
  if (typeof value === "string") {
    if (!value.startsWith("$") || SELF_CONTAINED.test(value)) return undefined;
    if (inForm && FORM_REFERENCE.test(value)) return undefined;
    // React shares an object seen twice by its path from the root; the path must lead somewhere.
    const path = ROOT_PATH.exec(value)?.[1];
    if (path !== undefined && resolves(root, path.split(":"))) return undefined;
    return "The arguments refer to data that was not sent.";
  }
  if (value === null || typeof value !== "object") return undefined;
  for (const item of Object.values(value)) {
    const bad = findBadReference(item, root, inForm, depth + 1);
    if (bad) return bad;
  }
  return undefined;
}

function resolves(root: unknown, path: string[]): boolean {
  let node = root;
  for (const key of path) {
    if (node === null || typeof node !== "object" || !Object.hasOwn(node, key)) return false;
    node = (node as Record<string, unknown>)[key];
  }
  return node !== null && typeof node === "object";
}

function refuse(status: 400 | 413 | 415, reason: string): ActionRequestVerdict {
  return { ok: false, status, reason };
}
