// The open-connections gauge and the idle timeout: a client's idle pool shows as open
// connections until the client (or the emulator's idle timeout) closes them.
import { afterEach, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator";
import { RawSmtp, startTestEmulator } from "./support";

let emu: Emulator | undefined;

afterEach(async () => {
  await emu?.stop();
  emu = undefined;
});

/** Waits until the gauge reads `expected` (a closed socket is counted when its close event runs). */
async function openReaches(running: Emulator, expected: number): Promise<number> {
  const deadline = Date.now() + 2000;
  while (running.control.openSmtpConnections() !== expected && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return running.control.openSmtpConnections();
}

describe("open SMTP connections", () => {
  it("counts connections on both listeners until they close, in process and over HTTP", async () => {
    const running = await startTestEmulator();
    emu = running;
    expect(running.control.openSmtpConnections()).toBe(0);

    const secure = await RawSmtp.connect(running.smtp.securePort, { secure: true });
    const plain = await RawSmtp.connect(running.smtp.starttlsPort, { secure: false });
    await secure.reply();
    await plain.reply();
    expect(await openReaches(running, 2)).toBe(2);
    const overHttp = await fetch(`${running.issuer}/control/smtp-connections`);
    expect(await overHttp.json()).toEqual({ open: 2 });

    // A gauge, not a counter: reset() does not pretend the connections went away.
    running.control.reset();
    expect(running.control.openSmtpConnections()).toBe(2);

    expect(await secure.command("QUIT")).toMatch(/^221 /);
    await secure.closed;
    expect(await openReaches(running, 1)).toBe(1);
    plain.close();
    expect(await openReaches(running, 0)).toBe(0);
  });

  it("closes an idle connection after smtpIdleTimeoutMs with Gmail-shaped 421", async () => {
    const running = await startTestEmulator({ smtpIdleTimeoutMs: 300 });
    emu = running;
    const smtp = await RawSmtp.connect(running.smtp.securePort, { secure: true });
    await smtp.reply();
    expect(await smtp.command("EHLO client.example")).toMatch(/^250/);

    expect(await smtp.reply(3000)).toMatch(/^421 4\.4\.2 Timeout - closing connection\./);
    await smtp.closed;
    expect(await openReaches(running, 0)).toBe(0);
  });

  it("refuses an idle timeout that is not a positive number", async () => {
    await expect(startTestEmulator({ smtpIdleTimeoutMs: 0 })).rejects.toThrow(
      /smtpIdleTimeoutMs must be a positive number/,
    );
  });
});
