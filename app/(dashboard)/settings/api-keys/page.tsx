import type { Metadata } from "next";
import Link from "next/link";
import { DataTable, EmptyState } from "../../../components/data-table";
import { LocalTime } from "../../../components/local-time";
import { CreateKeyForm } from "./create-key-form";
import { RevokeKeyButton } from "./revoke-key-button";
import { listApiKeys } from "@/lib/api-keys/list-api-keys";
import { isKeyPermission, KEY_PERMISSIONS } from "@/lib/api-keys/key-permissions";
import { senderAddresses } from "@/lib/api-keys/sender-addresses";
import { requireUser } from "@/lib/auth/session";
import { db } from "@/lib/db";

export const metadata: Metadata = { title: "API keys" };
export const dynamic = "force-dynamic";

const SOURCES: Record<string, string> = { api: "HTTP API", relay: "SMTP relay" };

export default async function ApiKeysPage() {
  const user = await requireUser();
  const [keys, addresses] = await Promise.all([
    listApiKeys(user.id),
    senderAddresses(await db(), user.id),
  ]);

  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold tracking-tight">API keys</h1>
      <p className="max-w-3xl text-sm text-zinc-600 dark:text-zinc-400">
        Programs send mail through Mailroom&apos;s HTTP API with a key, sent as{" "}
        <code className="font-mono">Authorization: Bearer mr_live_…</code>, or, when the SMTP relay
        is on, as the password of its SMTP login. Mailroom stores only a hash of each key and shows
        it once, when you create it. See{" "}
        <Link href="/send-from-your-app" className="text-blue-600 underline dark:text-blue-400">
          Send from your app
        </Link>{" "}
        for examples and the{" "}
        <Link href="/api-reference" className="text-blue-600 underline dark:text-blue-400">
          API reference
        </Link>
        .
      </p>
      {addresses.length > 0 ? (
        <CreateKeyForm addresses={addresses} />
      ) : (
        <p>Connect a Google account to create API keys.</p>
      )}

      <h2 className="text-lg font-semibold">Your keys</h2>
      {keys.length === 0 ? (
        <EmptyState>No keys yet.</EmptyState>
      ) : (
        <DataTable
          caption="API keys, newest first"
          columns={["Name", "Key", "Permission", "Created", "Last used", ""]}
        >
          {keys.map((key) => (
            <tr
              key={key.id}
              data-testid="api-key-row"
              className={key.revokedAt ? "opacity-70" : ""}
            >
              <td className="px-4 py-3 font-medium">
                {key.name}
                <span className="block text-xs font-normal text-zinc-500 dark:text-zinc-400">
                  From {key.allowedFrom.join(", ")}
                </span>
              </td>
              <td className="px-4 py-3 font-mono text-xs whitespace-nowrap">{key.prefix}…</td>
              <td className="px-4 py-3">
                {isKeyPermission(key.permission) ? KEY_PERMISSIONS[key.permission] : "—"}
              </td>
              <td className="px-4 py-3 whitespace-nowrap text-zinc-500 dark:text-zinc-400">
                <LocalTime iso={key.createdAt.toISOString()} />
              </td>
              <td className="px-4 py-3 text-zinc-500 dark:text-zinc-400" data-testid="last-used">
                {key.lastUsedAt ? (
                  <>
                    <LocalTime iso={key.lastUsedAt.toISOString()} />
                    <span className="block text-xs">
                      {SOURCES[key.lastUsedSource ?? ""] ?? key.lastUsedSource}
                      {key.lastUsedIp && ` from ${key.lastUsedIp}`}
                    </span>
                  </>
                ) : (
                  "Never"
                )}
              </td>
              <td className="px-4 py-3 text-right">
                {key.revokedAt ? (
                  <span className="text-sm text-zinc-500 dark:text-zinc-400">
                    Revoked <LocalTime iso={key.revokedAt.toISOString()} />
                  </span>
                ) : (
                  <RevokeKeyButton id={key.id} name={key.name} />
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </div>
  );
}
