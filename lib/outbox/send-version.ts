// What a claim says about how its account sends: the way and when the app password was stored,
// as one string. A worker compares it with what it read before, so a change on the status page
// applies to the next message claimed, in every process.
export function sendVersion(
  way: string,
  appPasswordAddedAt: Date | string | number | null,
): string {
  const at =
    appPasswordAddedAt === null
      ? 0
      : appPasswordAddedAt instanceof Date
        ? appPasswordAddedAt.getTime()
        : typeof appPasswordAddedAt === "number"
          ? appPasswordAddedAt
          : Date.parse(appPasswordAddedAt);
  return `${way}:${Number.isNaN(at) ? String(appPasswordAddedAt) : at}`;
}
