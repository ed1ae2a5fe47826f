// Deletes one of the user's uploads with its bytes (a file removed from compose before sending).
import "server-only";
import { outbox } from "../outbox/open-outbox";

export async function deleteUpload(userId: string, id: string): Promise<void> {
  await (await outbox()).deleteUploads(userId, [id]);
}
