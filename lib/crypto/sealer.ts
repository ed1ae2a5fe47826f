// The process's token sealer, built from TOKEN_ENCRYPTION_KEY (and old keys) in lib/env.
import "server-only";
import { env } from "../env";
import { createTokenSealer, type TokenSealer } from "./token-sealer";

let sealer: TokenSealer | undefined;

export function tokenSealer(): TokenSealer {
  const config = env();
  sealer ??= createTokenSealer(config.TOKEN_ENCRYPTION_KEY, config.TOKEN_ENCRYPTION_OLD_KEYS);
  return sealer;
}
