// The OAuth scopes the emulator knows, in Google's canonical form and Google's consent wording.

export const GMAIL_FULL_SCOPE = "https://mail.google.com/";
export const OPENID_SCOPE = "openid";
export const EMAIL_SCOPE = "https://www.googleapis.com/auth/userinfo.email";
export const PROFILE_SCOPE = "https://www.googleapis.com/auth/userinfo.profile";

const GMAIL = "https://www.googleapis.com/auth/gmail.";

interface ScopeInfo {
  /** What Google's consent screen says the app may do. */
  description: string;
  /**
   * A short name for the scope's checkbox. The description goes in the checkbox's accessible
   * description instead of its name, so the only control labelled "…email…" is the Email field.
   */
  title?: string;
  /** Sign-in scopes are granted with the sign-in; others get a checkbox (granular consent). */
  basic: boolean;
}

const CATALOGUE = new Map<string, ScopeInfo>([
  [OPENID_SCOPE, { description: "Associate you with your personal info on Google", basic: true }],
  [EMAIL_SCOPE, { description: "See your primary Google Account email address", basic: true }],
  [
    PROFILE_SCOPE,
    {
      description:
        "See your personal info, including any personal info you've made publicly available",
      basic: true,
    },
  ],
  [
    GMAIL_FULL_SCOPE,
    {
      description: "Read, compose, send, and permanently delete all your email from Gmail",
      basic: false,
      title: "Full access to Gmail",
    },
  ],
  [
    `${GMAIL}send`,
    { description: "Send email on your behalf", basic: false, title: "Gmail: send on your behalf" },
  ],
  [
    `${GMAIL}readonly`,
    {
      description: "View your email messages and settings",
      basic: false,
      title: "Gmail: read-only",
    },
  ],
  [
    `${GMAIL}modify`,
    {
      description: "Read, compose, and send emails from your Gmail account",
      basic: false,
      title: "Gmail: read and change",
    },
  ],
  [
    `${GMAIL}compose`,
    {
      description: "Manage drafts and send emails",
      basic: false,
      title: "Gmail: drafts and sending",
    },
  ],
  [
    `${GMAIL}metadata`,
    {
      description:
        "View your email message metadata such as labels and headers, but not the email body",
      basic: false,
      title: "Gmail: metadata",
    },
  ],
  [
    `${GMAIL}labels`,
    { description: "See and edit your email labels", basic: false, title: "Gmail: labels" },
  ],
  [
    `${GMAIL}settings.basic`,
    {
      description: "See, edit, create, or change your email settings and filters in Gmail",
      basic: false,
      title: "Gmail: settings",
    },
  ],
]);

// Google accepts the short sign-in scopes and answers with the long ones.
const ALIASES = new Map<string, string>([
  ["email", EMAIL_SCOPE],
  ["profile", PROFILE_SCOPE],
]);

export function canonicalScope(scope: string): string {
  return ALIASES.get(scope) ?? scope;
}

export interface ParsedScope {
  scopes: string[];
  unknown: string[];
}

/** Splits a space-separated scope parameter into canonical, de-duplicated, known scopes. */
export function parseScope(value: string): ParsedScope {
  const scopes: string[] = [];
  const unknown: string[] = [];
  for (const raw of value.split(/\s+/).filter(Boolean)) {
    const scope = canonicalScope(raw);
    if (!CATALOGUE.has(scope)) unknown.push(raw);
    else if (!scopes.includes(scope)) scopes.push(scope);
  }
  return { scopes, unknown };
}

export function describeScope(scope: string): string {
  return CATALOGUE.get(scope)?.description ?? scope;
}

export function scopeTitle(scope: string): string {
  return CATALOGUE.get(scope)?.title ?? scope;
}

export function isBasicScope(scope: string): boolean {
  return CATALOGUE.get(scope)?.basic ?? false;
}

export function formatScope(scopes: readonly string[]): string {
  return scopes.join(" ");
}

/** Scopes that let a token read the Gmail profile (users.getProfile). */
export const PROFILE_READ_SCOPES = [
  GMAIL_FULL_SCOPE,
  `${GMAIL}readonly`,
  `${GMAIL}modify`,
  `${GMAIL}compose`,
  `${GMAIL}metadata`,
];

/** Scopes that let a token list send-as aliases (users.settings.sendAs.list). */
export const SEND_AS_READ_SCOPES = [
  GMAIL_FULL_SCOPE,
  `${GMAIL}settings.basic`,
  `${GMAIL}readonly`,
  `${GMAIL}modify`,
];

/** Scopes that let a token send mail through the API (users.messages.send). */
export const SEND_SCOPES = [GMAIL_FULL_SCOPE, `${GMAIL}send`, `${GMAIL}compose`, `${GMAIL}modify`];
