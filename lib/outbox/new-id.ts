// Ids for the rows an engine writes itself, in the shape of Prisma's cuid() so the history reads
// them like any other.
import { randomBytes } from "node:crypto";

// Random per process, so ids made in different processes in the same millisecond differ.
const PROCESS_TAG = BigInt(`0x${randomBytes(8).toString("hex")}`)
  .toString(36)
  .padStart(11, "0")
  .slice(0, 11);
let idCounter = 0;
/** Time-ordered, collision-resistant ids in the shape of Prisma's cuid(): "c" + 24 chars. */
export function newId(): string {
  idCounter = (idCounter + 1) % 1_679_616;
  return (
    "c" +
    Date.now().toString(36).padStart(9, "0") +
    idCounter.toString(36).padStart(4, "0") +
    PROCESS_TAG
  );
}
