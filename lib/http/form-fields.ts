// FormData from a browser, read as named text fields: each at most once and of bounded size.
// A server action receives whatever a client posts, so files, repeated names and huge strings
// are refused here rather than silently reduced to their first value.
import { z } from "zod";

/** Field name → largest accepted length in characters. */
export type FieldLimits = Record<string, number>;

export type FormFields<L extends FieldLimits> = { [K in keyof L]: string };

/** A schema taking FormData to `{ field: string }` ("" when absent); unknown names are ignored. */
export function formFieldsSchema<L extends FieldLimits>(
  limits: L,
  messages: { tooLong?: (field: string, max: number) => string } = {},
): z.ZodType<FormFields<L>, FormData> {
  return z.instanceof(FormData, { error: "Expected a form." }).transform((form, ctx) => {
    const out: Record<string, string> = {};
    for (const [name, max] of Object.entries(limits)) {
      const values = form.getAll(name);
      const value = values[0] ?? "";
      if (values.length > 1) {
        ctx.addIssue({
          code: "custom",
          path: [name],
          message: "This field was sent more than once.",
        });
      } else if (typeof value !== "string") {
        ctx.addIssue({ code: "custom", path: [name], message: "Files are not accepted here." });
      } else if (value.length > max) {
        ctx.addIssue({
          code: "custom",
          path: [name],
          message:
            messages.tooLong?.(name, max) ?? `This field is too long (${max} characters at most).`,
        });
      } else {
        out[name] = value;
      }
    }
    return out as FormFields<L>;
  });
}
