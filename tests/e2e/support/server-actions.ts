// Calls Mailroom's server actions over HTTP the way Next's client does: a POST to a page that
// uses the action, with its id in the Next-Action header and the arguments React-encoded.
import { readFileSync } from "node:fs";
import path from "node:path";

export interface ActionRef {
  id: string;
  name: string;
  /** A page path that serves the action. */
  page: string;
}

/** Every server action in the production build, by exported name. */
export function serverActions(): Record<string, ActionRef> {
  const file = path.join(".next", "server", "server-reference-manifest.json");
  const manifest = JSON.parse(readFileSync(file, "utf8")) as {
    node: Record<string, { exportedName: string; workers: Record<string, unknown> }>;
  };
  const out: Record<string, ActionRef> = {};
  for (const [id, entry] of Object.entries(manifest.node)) {
    const worker = Object.keys(entry.workers)[0] ?? "";
    const page = worker
      .replace(/^app/, "")
      .replace(/\/page$/, "")
      .replace(/\/\([^)]+\)/g, "")
      .replace("[id]", "c000000000000000000000000");
    out[entry.exportedName] = { id, name: entry.exportedName, page: page || "/" };
  }
  return out;
}

/** A JSON argument list, as React sends arguments without files or forms. */
export function jsonArgs(args: unknown[]): { body: string; contentType: string } {
  return { body: JSON.stringify(args), contentType: "text/plain;charset=UTF-8" };
}

/** (previous state, form) as React encodes it: part "0" refers to the form's prefixed fields. */
export function formArgs(fields: [string, string | Blob][], previous: unknown = {}): FormData {
  const body = new FormData();
  for (const [name, value] of fields) body.append(`_1_${name}`, value);
  body.append("0", JSON.stringify([previous, "$K1"]));
  return body;
}

/** Headers of an action call from the app's own origin (Next refuses cross-origin calls). */
export function actionHeaders(
  action: ActionRef,
  baseUrl: string,
  cookie?: string,
): Record<string, string> {
  return {
    "Next-Action": action.id,
    Accept: "text/x-component",
    Origin: baseUrl,
    ...(cookie ? { Cookie: cookie } : {}),
  };
}
