// Whether the OAuth app is in Testing, where Google ends every grant 7 days after consent: as the
// operator configured it (GOOGLE_OAUTH_APP_TESTING), or else as Mailroom inferred it from a refresh
// token that died 7 days after consent (remembered per OAuth client in OAuthClientState).
import "server-only";
import type { Db } from "../db";
import { env } from "../env";

export interface TestingMode {
  testing: boolean;
  /** "configured": GOOGLE_OAUTH_APP_TESTING says so; "inferred": a token died 7 days after consent. */
  source: "configured" | "inferred" | null;
  inferredAt: Date | null;
}

type ClientStateClient = Pick<Db, "oAuthClientState">;

export async function testingMode(prisma: ClientStateClient): Promise<TestingMode> {
  const { GOOGLE_OAUTH_APP_TESTING: configured, GOOGLE_CLIENT_ID } = env();
  if (configured !== undefined) {
    return { testing: configured, source: "configured", inferredAt: null };
  }
  const state = await prisma.oAuthClientState.findUnique({
    where: { clientId: GOOGLE_CLIENT_ID },
    select: { testingInferredAt: true },
  });
  const inferredAt = state?.testingInferredAt ?? null;
  return { testing: inferredAt !== null, source: inferredAt ? "inferred" : null, inferredAt };
}

/** Remembers that this OAuth client is in Testing, unless the operator said either way. */
export async function rememberTestingInferred(prisma: ClientStateClient, at: Date): Promise<void> {
  const { GOOGLE_OAUTH_APP_TESTING: configured, GOOGLE_CLIENT_ID: clientId } = env();
  if (configured !== undefined) return;
  await prisma.oAuthClientState.upsert({
    where: { clientId },
    create: { clientId, testingInferredAt: at },
    update: { testingInferredAt: at },
  });
}

/** A token outlived 7 days: the app is not (or no longer) in Testing. */
export async function forgetTestingInferred(prisma: ClientStateClient): Promise<void> {
  await prisma.oAuthClientState.updateMany({
    where: { clientId: env().GOOGLE_CLIENT_ID, testingInferredAt: { not: null } },
    data: { testingInferredAt: null },
  });
}
