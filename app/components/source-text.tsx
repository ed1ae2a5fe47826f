import { decodeSource } from "@/lib/outbox/message-source";

/** Where a message came from: "Web", or "API · <key name>". */
export function SourceText({
  source,
  keyNames,
}: {
  source: string;
  keyNames: Map<string, string>;
}) {
  const { kind, apiKeyId } = decodeSource(source);
  if (kind !== "api") return <>Web</>;
  const name = apiKeyId ? keyNames.get(apiKeyId) : undefined;
  return <>API{name ? ` · ${name}` : ""}</>;
}
