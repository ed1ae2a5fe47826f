// The columns that hold sealed tokens, and the place each sealed value is bound to.
import type { SealPlace } from "./token-sealer";

/** Every sealed column of Account: what `npm run keys:rotate` re-seals. */
export const SEALED_ACCOUNT_COLUMNS = [
  "refreshTokenSealed",
  "accessTokenSealed",
  "appPasswordSealed",
] as const;

export type SealedAccountColumn = (typeof SEALED_ACCOUNT_COLUMNS)[number];

export function accountTokenPlace(accountId: string, column: SealedAccountColumn): SealPlace {
  return { table: "Account", column, rowId: accountId };
}
