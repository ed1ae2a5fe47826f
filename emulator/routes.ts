// Every HTTP route of the emulator: OAuth/OIDC (Google's paths), Gmail REST, inbox, app
// passwords, control.
import {
  createAppPassword,
  revokeAppPassword,
  setTwoStepVerification,
  showAppPasswords,
} from "./app-passwords-routes";
import type { Control } from "./control";
import { addControlRoutes } from "./control-routes";
import type { EmulatorContext } from "./context";
import { getProfile, getSendAs, listSendAs } from "./gmail-api";
import { sendMessage, uploadMessage } from "./gmail/send-endpoint";
import { redirect } from "./http/respond";
import { Router, type RequestContext } from "./http/router";
import {
  clearInbox,
  deleteMessages,
  getMessage,
  listMessages,
  showInbox,
  showMessage,
} from "./inbox-routes";
import { showAuthorization, submitConsent } from "./oauth/authorize-endpoint";
import { serveAvatar } from "./oauth/avatar";
import {
  APP_PASSWORDS_PATH,
  CREATE_ACTION,
  REVOKE_ACTION,
  TWO_STEP_ACTION,
} from "./pages/app-passwords-page";
import { CONSENT_FORM_ACTION } from "./pages/consent-page";
import { discoveryEndpoint, jwksEndpoint } from "./oauth/discovery";
import { revokeEndpoint } from "./oauth/revoke-endpoint";
import { tokenEndpoint } from "./oauth/token-endpoint";
import { tokeninfoEndpoint } from "./oauth/tokeninfo-endpoint";
import { userinfoEndpoint } from "./oauth/userinfo-endpoint";

type Handler = (ctx: EmulatorContext, rc: RequestContext) => Promise<void> | void;

export function buildRouter(ctx: EmulatorContext, control: Control): Router {
  const router = new Router();
  const bind = (handler: Handler) => (rc: RequestContext) => handler(ctx, rc);

  // OAuth 2.0 / OpenID Connect. The aliases are the older Google paths some clients still use
  // (nodemailer's default token URL is /o/oauth2/token).
  router
    .add("GET", "/.well-known/openid-configuration", bind(discoveryEndpoint))
    .add("GET", ["/o/oauth2/v2/auth", "/o/oauth2/auth"], bind(showAuthorization))
    .add("POST", CONSENT_FORM_ACTION, bind(submitConsent))
    .add("POST", ["/token", "/o/oauth2/token", "/oauth2/v4/token"], bind(tokenEndpoint))
    .add("GET", ["/v1/userinfo", "/oauth2/v3/userinfo"], bind(userinfoEndpoint))
    .add(["GET", "POST"], ["/tokeninfo", "/oauth2/v3/tokeninfo"], bind(tokeninfoEndpoint))
    .add("POST", ["/revoke", "/o/oauth2/revoke"], bind(revokeEndpoint))
    .add("GET", "/oauth2/v3/certs", bind(jwksEndpoint))
    .add("GET", "/avatars/:file", bind(serveAvatar));

  // Gmail REST.
  router
    .add("GET", "/gmail/v1/users/:userId/profile", bind(getProfile))
    .add("GET", "/gmail/v1/users/:userId/settings/sendAs", bind(listSendAs))
    .add("GET", "/gmail/v1/users/:userId/settings/sendAs/:sendAsEmail", bind(getSendAs))
    .add("POST", "/gmail/v1/users/:userId/messages/send", bind(sendMessage))
    .add("POST", "/upload/gmail/v1/users/:userId/messages/send", bind(uploadMessage));

  // Mailbox.
  router
    .add("GET", "/", (rc) => redirect(rc.res, "/inbox"))
    .add("GET", "/inbox", bind(showInbox))
    .add("GET", "/inbox/:id", bind(showMessage))
    .add("POST", "/inbox/clear", bind(clearInbox))
    .add("GET", "/api/messages", bind(listMessages))
    .add("DELETE", "/api/messages", bind(deleteMessages))
    .add("GET", "/api/messages/:id", bind(getMessage));

  // The account's App passwords page (Google's myaccount.google.com/apppasswords).
  router
    .add("GET", APP_PASSWORDS_PATH, bind(showAppPasswords))
    .add("POST", CREATE_ACTION, bind(createAppPassword))
    .add("POST", TWO_STEP_ACTION, bind(setTwoStepVerification))
    .add("POST", REVOKE_ACTION, bind(revokeAppPassword));

  addControlRoutes(router, ctx, control);
  return router;
}
