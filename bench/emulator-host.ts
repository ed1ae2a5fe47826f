// The emulator in a process of its own (--emulator separate), so its TLS, SMTP parsing and
// mailbox do not share the measured process's event loop, as Gmail would not. Driven over IPC
// by bench/remote-emulator.ts.
import { startInProcessEmulator, type EmulatorSettings } from "./bench-emulator";
import type { HostReply, HostRequest } from "./emulator-host-protocol";

const raw = process.env.BENCH_EMULATOR_SETTINGS;
const send = process.send?.bind(process);
if (!raw || !send) {
  console.error("bench/emulator-host.ts is started by the bench (npm run bench).");
  process.exit(2);
}

const emu = await startInProcessEmulator(JSON.parse(raw) as EmulatorSettings);
send({
  ready: { issuer: emu.issuer, gmailApiUrl: emu.gmailApiUrl, smtp: emu.smtp },
} satisfies HostReply);

process.on("message", (message: HostRequest) => {
  const reply = (body: { result?: unknown; error?: string }) => {
    const answer: HostReply = { id: message.id, ...body };
    send(answer);
  };
  const run = async (): Promise<unknown> => {
    switch (message.method) {
      case "issueTokens":
        return emu.issueTokens(message.email);
      case "stats":
        return emu.stats();
      case "accountStats":
        return emu.accountStats(message.emails);
      case "openSmtpConnections":
        return emu.openSmtpConnections();
      case "startCollecting":
        return emu.startCollecting();
      case "stopCollecting":
        return emu.stopCollecting();
      case "stop":
        return emu.stop();
    }
  };
  run().then(
    (result) => {
      reply({ result });
      if (message.method === "stop") process.disconnect();
    },
    (error: Error) => reply({ error: error.message }),
  );
});
