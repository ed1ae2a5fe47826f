"use server";

import { revalidatePath } from "next/cache";
import { requireUser } from "@/lib/auth/session";
import { AppError } from "@/lib/errors/app-error";
import { cancelMessage } from "@/lib/queue/cancel-message";
import { retryMessageNow } from "@/lib/queue/retry-message-now";

export interface MessageActionState {
  error?: string;
}

async function run(
  id: string,
  operation: (userId: string, id: string) => Promise<void>,
): Promise<MessageActionState> {
  const user = await requireUser();
  try {
    await operation(user.id, id);
  } catch (error) {
    if (error instanceof AppError && error.status < 500) return { error: error.message };
    console.error("message action failed:", (error as Error).message);
    return { error: "Something went wrong. Please try again." };
  }
  revalidatePath(`/history/${id}`);
  revalidatePath("/history");
  return {};
}

export async function cancelMessageAction(id: string): Promise<MessageActionState> {
  return run(id, cancelMessage);
}

export async function retryMessageNowAction(id: string): Promise<MessageActionState> {
  return run(id, retryMessageNow);
}
