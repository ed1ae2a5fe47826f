// `npm run bench -- --big-message`: the memory it takes to accept and send one message of about
// 20 MB, as RSS above the process's idle RSS, for the chunked path (uploads and MIME streamed
// through ContentChunk rows) and, side by side, the old in-row path (the whole MIME in memory
// and in the message's row). Each path runs in a child process of its own; the emulator runs
// here, so what it takes to receive and parse the message counts for neither.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import path from "node:path";
import { simpleParser } from "mailparser";
import { startEmulator, type Emulator } from "../emulator";
import type { BigMessagePath, BigMessageResult, BigMessageSpec } from "./big-message-phase";

const MB = 1024 * 1024;
/** A 15 MB file makes a message of about 20 MB once base64-encoded. */
const FILE_BYTES = 15 * MB;
/** What the chunked path may take above idle to pass: a fraction of the message itself. */
const TARGET_EXTRA_BYTES = 100 * MB;
const CLIENT_ID = "mailroom-demo.apps.googleusercontent.com";

function runChild(spec: BigMessageSpec, caFile: string): Promise<BigMessageResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        "--expose-gc",
        "--import",
        "tsx",
        "--conditions=react-server",
        path.join(import.meta.dirname, "big-message-child.ts"),
      ],
      {
        cwd: path.join(import.meta.dirname, ".."),
        env: {
          ...process.env,
          BENCH_PHASE_SPEC: JSON.stringify(spec),
          CHECKPOINT_DISABLE: "1",
          NODE_EXTRA_CA_CERTS: caFile,
        },
        stdio: ["ignore", process.stderr, "inherit", "ipc"],
      },
    );
    let result: BigMessageResult | undefined;
    child.on("message", (message) => (result = message as BigMessageResult));
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      if (result) resolve(result);
      else reject(new Error(`the ${spec.path} path exited with ${signal ?? `code ${code}`}`));
    });
  });
}

/** Whether the emulator received the file byte-identical in the message this path sent. */
async function receivedIntact(emu: Emulator, email: string, sha256: string): Promise<boolean> {
  const big = emu.control.messages({ email }).find((m) => m.subject.startsWith("One big message"));
  const raw = big && emu.control.message(big.id)?.raw;
  if (!raw) return false;
  const parsed = await simpleParser(Buffer.from(raw));
  const file = parsed.attachments.find((a) => a.filename === "big.bin");
  return !!file && createHash("sha256").update(file.content).digest("hex") === sha256;
}

const mb = (bytes: number) => `${(bytes / MB).toFixed(1)} MB`;

export async function runBigMessageBench(options: { json: boolean }): Promise<number> {
  const emu = await startEmulator();
  const rows: (BigMessageResult & { intact: boolean })[] = [];
  try {
    for (const which of ["chunked", "in-row"] as BigMessagePath[]) {
      const email = `big-${which}@example.com`;
      const tokens = emu.control.issueTokens(email, {
        clientId: CLIENT_ID,
        scope: "openid email profile https://mail.google.com/",
      });
      process.stderr.write(`big message: ${which}… `);
      const result = await runChild(
        {
          kind: "big-message",
          path: which,
          fileBytes: FILE_BYTES,
          emulator: { issuer: emu.issuer, gmailApiUrl: emu.gmailApiUrl, smtp: emu.smtp },
          email,
          tokens,
        },
        emu.caFile,
      );
      const intact = await receivedIntact(emu, email, result.fileSha256);
      process.stderr.write(`${mb(result.peakRssBytes - result.idleRssBytes)} above idle\n`);
      rows.push({ ...result, intact });
    }
  } finally {
    await emu.stop();
  }

  const chunked = rows.find((r) => r.path === "chunked");
  const correct = rows.every((r) => r.status === "sent" && r.intact);
  const extra = chunked ? chunked.peakRssBytes - chunked.idleRssBytes : Infinity;
  const pass = correct && extra <= TARGET_EXTRA_BYTES;
  if (options.json) {
    console.log(JSON.stringify({ rows, targetExtraBytes: TARGET_EXTRA_BYTES, pass }, null, 2));
    return pass ? 0 : 1;
  }
  console.log(
    `One message of ${mb(chunked?.messageBytes ?? 0)} (a ${mb(FILE_BYTES)} file) accepted and sent to the emulator\n`,
  );
  console.log("path      idle RSS   peak RSS   above idle   time     delivered");
  for (const r of rows) {
    console.log(
      `${r.path.padEnd(9)} ${mb(r.idleRssBytes).padStart(9)} ${mb(r.peakRssBytes).padStart(10)} ${mb(r.peakRssBytes - r.idleRssBytes).padStart(12)} ${`${r.seconds.toFixed(1)} s`.padStart(7)}   ${r.status === "sent" && r.intact ? "sent, file byte-identical" : `NOT OK (${r.status}${r.intact ? "" : ", file differs"})`}`,
    );
  }
  console.log(
    `\nVerdict: ${pass ? "PASS" : "FAIL"} — the chunked path takes ${mb(extra)} above idle for a ${mb(chunked?.messageBytes ?? 0)} message ` +
      `(target ≤ ${mb(TARGET_EXTRA_BYTES)}: well under a few copies of the message, so several big ` +
      `messages in flight fit in a small machine). The in-row path holds the file, the whole MIME and ` +
      `its copies to and from the database at once.`,
  );
  return pass ? 0 : 1;
}
