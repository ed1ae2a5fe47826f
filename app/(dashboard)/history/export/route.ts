// The history as CSV: every message the history's search and filters show (the same query
// string), oldest page last, streamed page by page. Signed in by the session, like the pages.
import { Readable } from "node:stream";
import { stringify } from "csv-stringify";
import { currentUser } from "@/lib/auth/session";
import { parseHistoryQuery } from "@/lib/http/history-query";
import { exportRows, EXPORT_COLUMNS } from "@/lib/outbox/export-messages";

export const dynamic = "force-dynamic";

export async function GET(request: Request): Promise<Response> {
  const user = await currentUser();
  if (!user) return new Response("Sign in to export your history.\n", { status: 401 });
  const url = new URL(request.url);
  const query = parseHistoryQuery(Object.fromEntries(url.searchParams));
  if (query.ignored.length > 0) {
    return new Response(`Not a valid filter: ${query.ignored.join(", ")}.\n`, { status: 400 });
  }
  const csv = stringify({ header: true, columns: [...EXPORT_COLUMNS], record_delimiter: "\r\n" });
  void (async () => {
    try {
      for await (const row of exportRows(user.id, query.filter)) {
        if (!csv.write(row)) await new Promise((resolve) => csv.once("drain", resolve));
      }
      csv.end();
    } catch (error) {
      console.error(`history export failed: ${error instanceof Error ? error.name : "error"}`);
      csv.destroy(new Error("export failed"));
    }
  })();
  const day = new Date().toISOString().slice(0, 10);
  return new Response(Readable.toWeb(csv) as ReadableStream<Uint8Array>, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="mailroom-history-${day}.csv"`,
      "cache-control": "no-store",
    },
  });
}
