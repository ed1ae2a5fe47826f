// Reads a page's query string with zod. Next hands a repeated parameter over as an array and
// anyone can type any URL, so a parameter counts only when given once and valid; otherwise the
// page behaves as if it were absent instead of failing.
import type { z } from "zod";

export type SearchParams = Record<string, string | string[] | undefined>;

export function searchParam<T>(
  params: SearchParams,
  name: string,
  schema: z.ZodType<T, string>,
): T | undefined {
  const value = Object.hasOwn(params, name) ? params[name] : undefined;
  if (typeof value !== "string") return undefined;
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}
