"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { createApiKey, newApiKeySchema } from "@/lib/api-keys/create-api-key";
import { revokeApiKey } from "@/lib/api-keys/revoke-api-key";
import { recordIdSchema } from "@/lib/http/record-id";
import { safeAction } from "@/lib/http/safe-action";

export interface CreateKeyState {
  /** The new key, its secret shown this once. */
  created?: { id: string; name: string; prefix: string; secret: string };
  errors?: Record<string, string>;
  values?: { name: string; permission: string; allowedFrom: string[] };
}

/** The form as sent: one name, one permission, any number of From addresses (checkboxes). */
const keyForm = z
  .instanceof(FormData, { error: "Expected the new key form." })
  .transform((form, ctx) => {
    const one = (field: string, max: number): string => {
      const values = form.getAll(field);
      const value = values[0] ?? "";
      if (values.length > 1 || typeof value !== "string" || value.length > max) {
        ctx.addIssue({ code: "custom", path: [field], message: "This field is not valid." });
        return "";
      }
      return value;
    };
    const allowedFrom = form.getAll("allowedFrom");
    if (allowedFrom.length > 50 || allowedFrom.some((v) => typeof v !== "string")) {
      ctx.addIssue({ code: "custom", path: ["allowedFrom"], message: "This field is not valid." });
    }
    return {
      name: one("name", 1_000),
      permission: one("permission", 100),
      allowedFrom: allowedFrom.filter((v): v is string => typeof v === "string"),
    };
  });

export const createApiKeyAction = safeAction({
  name: "create-api-key",
  // (previous state, form): the previous state is React's, never read.
  args: z.tuple([z.unknown(), keyForm], { error: "Expected the new key form." }),
  run: async (user, [, values]): Promise<CreateKeyState> => {
    const parsed = newApiKeySchema.safeParse(values);
    if (!parsed.success) {
      const errors: Record<string, string> = {};
      for (const issue of parsed.error.issues)
        errors[String(issue.path[0] ?? "form")] ??= issue.message;
      return { errors, values };
    }
    const created = await createApiKey(user.id, parsed.data);
    revalidatePath("/settings/api-keys");
    return { created };
  },
  fail: ({ message, fields }, input): CreateKeyState => ({
    errors: fields && Object.keys(fields).length > 0 ? fields : { form: message },
    values: input?.[1],
  }),
});

export interface RevokeKeyState {
  error?: string;
}

export const revokeApiKeyAction = safeAction({
  name: "revoke-api-key",
  args: z.tuple([recordIdSchema], { error: "Expected one key id." }),
  run: async (user, [id]): Promise<RevokeKeyState> => {
    await revokeApiKey(user.id, id);
    revalidatePath("/settings/api-keys");
    return {};
  },
  fail: ({ message }): RevokeKeyState => ({ error: message }),
});
