// Messages between the measuring process and bench/emulator-host.ts.

export type HostCall =
  | { method: "issueTokens"; email: string }
  | { method: "accountStats"; emails: string[] }
  | {
      method: "stats" | "openSmtpConnections" | "startCollecting" | "stopCollecting" | "stop";
    };

export type HostRequest = HostCall & { id: number };

export type HostReply =
  | {
      ready: { issuer: string; gmailApiUrl: string; smtp: { host: string; securePort: number } };
    }
  | { id: number; result?: unknown; error?: string };
