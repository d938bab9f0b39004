/** Stops the moto server started by moto-global-setup.ts (jest `globalTeardown`). */
import type { MotoHandle } from './moto-global-setup';
import { stopMoto } from './moto-server';

export default async function globalTeardown(): Promise<void> {
  const handle: MotoHandle | undefined = globalThis.__MOTO__;
  const pid = handle?.pid ?? Number(process.env.MOTO_PID);
  if (!Number.isInteger(pid) || pid <= 0) return;
  await stopMoto(pid, handle?.logFile);
  globalThis.__MOTO__ = undefined;
  delete process.env.MOTO_ENDPOINT;
  delete process.env.MOTO_PID;
}
