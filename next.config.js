// Next.js configuration. Environment validation happens at server start (instrumentation.ts),
// so a misconfigured deployment stops with one clear line instead of serving broken pages.

// Mailroom uses none of these powerful features; denying them keeps an injected script or a
// framed page from asking the user for them. Only names Chromium knows: an unknown one is a
// console warning on every page.
const permissionsPolicy = [
  "accelerometer",
  "autoplay",
  "browsing-topics",
  "camera",
  "display-capture",
  "geolocation",
  "gyroscope",
  "hid",
  "idle-detection",
  "magnetometer",
  "microphone",
  "midi",
  "payment",
  "screen-wake-lock",
  "serial",
  "usb",
  "xr-spatial-tracking",
]
  .map((feature) => `${feature}=()`)
  .join(", ");

/** @type {import("next").NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // `npm test` typechecks the whole project (app, lib, emulator, tests) with tsc; the build
  // need not repeat it.
  typescript: { ignoreBuildErrors: true },
  serverExternalPackages: [
    "better-sqlite3",
    "pg",
    "smtp-server",
    "nodemailer",
    "mailparser",
    "@zone-eu/mailsplit",
    "selfsigned",
  ],
  experimental: {
    // A 25 MB message (lib/mail/message-limits.ts) plus the other fields and the form's framing;
    // lib/http/action-request.ts refuses larger posts with a 413 before Next would answer 500.
    serverActions: { bodySizeLimit: "30mb" },
    // proxy.ts sees the body first; past this size Next would hand the action a truncated copy.
    proxyClientMaxBodySize: "30mb",
  },
  // Headers that are the same for every response, static files included. The page's
  // Content-Security-Policy (a fresh nonce per request) and HSTS (only when served over HTTPS)
  // are set at request time by proxy.ts.
  async headers() {
    return [
      {
        // All but a message's HTML body, which Mailroom's own history page frames (its route
        // sets its own, stricter headers).
        source: "/:path((?!api/messages/[^/]+/body$).*)",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "same-origin" },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Permissions-Policy", value: permissionsPolicy },
        ],
      },
    ];
  },
};

export default nextConfig;
