import { decodeSource } from "@/lib/outbox/message-source";

/** Where a message came from: "Web", "API · <key name>" or "Relay · <key name>". */
export function SourceText({
  source,
  keyNames,
}: {
  source: string;
  keyNames: Map<string, string>;
}) {
  const { kind, apiKeyId } = decodeSource(source);
  if (kind !== "api" && kind !== "relay") return <>Web</>;
  const name = apiKeyId ? keyNames.get(apiKeyId) : undefined;
  return (
    <>
      {kind === "api" ? "API" : "Relay"}
      {name ? ` · ${name}` : ""}
    </>
  );
}
