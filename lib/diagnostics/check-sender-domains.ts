// The status page's sender domain checks: for each custom From domain of a user, SPF, DKIM,
// DMARC and one-click unsubscribe, run side by side. DNS failures come back as amber results;
// this never throws for them and never waits past the lookup's own timeout.
import "server-only";
import { db } from "../db";
import { env } from "../env";
import { checkDkim } from "./check-dkim";
import { checkDmarc } from "./check-dmarc";
import { checkOneClickUnsubscribe, NEAR_BULK_DAILY } from "./check-one-click-unsubscribe";
import { checkSpf } from "./check-spf";
import { readSenderVolume } from "./read-sender-volume";
import { senderDomainsFor, type SenderDomain } from "./sender-domains";
import type { SenderDomainReport } from "./sender-domain-types";
import { txtLookup, type TxtLookup } from "./txt-lookup";

export interface SenderDomainOptions {
  lookup?: TxtLookup;
  selector?: string;
  now?: Date;
}

/** Every check for one domain of `userId`'s. */
export async function checkSenderDomain(
  userId: string,
  sender: SenderDomain,
  options: SenderDomainOptions = {},
): Promise<SenderDomainReport> {
  const lookup = options.lookup ?? txtLookup();
  const selector = options.selector ?? env().DKIM_SELECTOR;
  const prisma = await db();
  const [spf, dkim, dmarc, volume] = await Promise.all([
    checkSpf(sender.domain, lookup),
    checkDkim(sender.domain, selector, lookup),
    checkDmarc(sender.domain, lookup),
    readSenderVolume(prisma, userId, sender.domain, {
      now: options.now,
      exactFrom: NEAR_BULK_DAILY,
    }),
  ]);
  return {
    domain: sender.domain,
    addresses: sender.addresses,
    checks: [spf, dkim, dmarc, checkOneClickUnsubscribe(sender.domain, volume)],
  };
}

/** The reports for every custom From domain of `userId`; empty when all are Gmail's own. */
export async function checkSenderDomains(
  userId: string,
  options: SenderDomainOptions = {},
): Promise<SenderDomainReport[]> {
  const domains = await senderDomainsFor(userId);
  return Promise.all(domains.map((sender) => checkSenderDomain(userId, sender, options)));
}

/** Forgets cached DNS answers for `userId`'s domains, so the next check asks again. */
export async function forgetSenderDomainAnswers(
  userId: string,
  lookup: TxtLookup = txtLookup(),
): Promise<void> {
  for (const { domain } of await senderDomainsFor(userId)) lookup.forget(domain);
}
