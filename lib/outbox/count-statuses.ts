// How many of the user's messages are in each status, for the history's status links.
import "server-only";
import { db } from "../db";
import { countByStatus } from "./read-messages";

export async function countStatuses(userId: string) {
  return countByStatus(await db(), userId);
}
