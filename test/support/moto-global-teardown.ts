/** Stops the moto server started by moto-global-setup.ts (jest `globalTeardown`). */
import { rmSync } from 'node:fs';
import type { MotoHandle } from './moto-global-setup';

const GRACE_MS = 3_000;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export default async function globalTeardown(): Promise<void> {
  const handle: MotoHandle | undefined = globalThis.__MOTO__;
  const pid = handle?.pid ?? Number(process.env.MOTO_PID);
  if (!Number.isInteger(pid) || pid <= 0) return;

  if (alive(pid)) {
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + GRACE_MS;
    while (alive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    if (alive(pid)) process.kill(pid, 'SIGKILL');
  }
  if (handle) rmSync(handle.logFile, { force: true });
  globalThis.__MOTO__ = undefined;
  delete process.env.MOTO_ENDPOINT;
  delete process.env.MOTO_PID;
}
