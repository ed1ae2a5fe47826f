"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { safeAction } from "@/lib/http/safe-action";
import { refreshUserSendAs } from "@/lib/send-as/refresh-user-send-as";

export interface RefreshAddressesState {
  /** When Gmail's list was stored (ISO). */
  refreshedAt?: string;
  error?: string;
}

export const refreshAddressesAction = safeAction({
  name: "refresh-send-as",
  args: z.tuple([], { error: "Expected no arguments." }),
  run: async (user): Promise<RefreshAddressesState> => {
    const { refreshedAt } = await refreshUserSendAs(user.id);
    revalidatePath("/compose");
    return { refreshedAt: refreshedAt.toISOString() };
  },
  fail: ({ message }): RefreshAddressesState => ({ error: message }),
});
