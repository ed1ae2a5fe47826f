// One bare sender process of a --workers N phase: its 1/N of the messages (bench/workload.ts
// senderOf), one pooled transport per account, everything handed over at "start". Reports when
// its last 250 came (on the clock all processes share), what it sent and what it cost.
import { bareTransports, sendAll } from "./bare-phase";
import { epochNow, type FromChild, type SenderSettings, type ToChild } from "./child-protocol";
import { startResourceSampler } from "./resource-sampler";
import { buildWorkload, senderOf } from "./workload";

const raw = process.env.BENCH_SENDER;
const send = process.send?.bind(process);
if (!raw || !send) {
  console.error("bench/sender-child.ts is started by the bench (npm run bench -- --workers N).");
  process.exit(2);
}
const settings = JSON.parse(raw) as SenderSettings;
const reply = (message: FromChild) =>
  new Promise<void>((resolve) => send(message, undefined, {}, () => resolve()));
process.on("disconnect", () => process.exit(1));

const share = buildWorkload(settings).filter(
  (m) => senderOf(m.index, settings.accounts, settings.senders) === settings.index,
);
let transports: ReturnType<typeof bareTransports> | undefined;

process.on("message", (message: ToChild) => {
  switch (message.type) {
    case "tokens":
      transports = bareTransports(settings.smtp, message.tokens, share);
      void reply({ type: "ready" });
      return;
    case "start": {
      const sampler = startResourceSampler();
      void sendAll(share, transports ?? bareTransports(settings.smtp, [], [])).then(
        ({ sent, failures }) => {
          const endEpochMs = epochNow();
          void reply({ type: "done", endEpochMs, usage: sampler.stop(), sent, failures });
        },
      );
      return;
    }
    case "stop":
      for (const transport of transports?.values() ?? []) transport.close();
      process.exit(0);
      return;
    case "finish":
      return;
  }
});
