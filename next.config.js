// Next.js configuration. Environment validation happens at server start (instrumentation.ts),
// so a misconfigured deployment stops with one clear line instead of serving broken pages.

/** @type {import("next").NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // `npm test` typechecks the whole project (app, lib, emulator, tests) with tsc; the build
  // need not repeat it.
  typescript: { ignoreBuildErrors: true },
  serverExternalPackages: ["better-sqlite3", "smtp-server", "nodemailer"],
  experimental: {
    // A 25 MB message (lib/mail/message-limits.ts) plus the other fields and the form's framing;
    // lib/http/action-request.ts refuses larger posts with a 413 before Next would answer 500.
    serverActions: { bodySizeLimit: "30mb" },
    // proxy.ts sees the body first; past this size Next would hand the action a truncated copy.
    proxyClientMaxBodySize: "30mb",
  },
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "same-origin" },
          { key: "X-Frame-Options", value: "DENY" },
        ],
      },
    ];
  },
};

export default nextConfig;
