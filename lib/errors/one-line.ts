// An error as one line for a log: the last line of its message, where Prisma and the drivers put
// the reason (Prisma's messages start with the call and the source lines around it).

export function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const lines = message
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);
  return lines.at(-1) ?? (error instanceof Error ? error.name : "unknown error");
}
