// The kinds of security event the audit log records, with the label the audit page shows.
export const AUDIT_KINDS = {
  sign_in: "Signed in",
  sign_out: "Signed out",
  sign_in_refused: "Sign-in refused",
  account_linked: "Google account linked",
  account_link_refused: "Account link refused",
  token_refreshed: "Access token refreshed",
  refresh_refused: "Refresh refused by Google",
  reconnected: "Reconnected",
  keys_rotated: "Encryption key rotated",
  api_key_created: "API key created",
  api_key_revoked: "API key revoked",
  send_way_changed: "Way of sending changed",
  app_password_added: "App password added",
  app_password_removed: "App password removed",
} as const;

export type AuditKind = keyof typeof AUDIT_KINDS;

export function isAuditKind(value: string): value is AuditKind {
  return Object.hasOwn(AUDIT_KINDS, value);
}
