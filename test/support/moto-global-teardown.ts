/** Stops the moto server started by moto-global-setup.ts (jest `globalTeardown`). */
import type { MotoHandle } from './moto-global-setup';
import { iamCallsTeardown } from './aws-rules/iam-global';
import { stopMoto } from './moto-server';

export default async function globalTeardown(globalConfig: Parameters<typeof iamCallsTeardown>[0]): Promise<void> {
  try {
    await stopMotoServer();
  } finally {
    // After every project's tests: the statement-deletion bound over the whole run's calls.
    await iamCallsTeardown(globalConfig);
  }
}

async function stopMotoServer(): Promise<void> {
  const handle: MotoHandle | undefined = globalThis.__MOTO__;
  const pid = handle?.pid ?? Number(process.env.MOTO_PID);
  if (!Number.isInteger(pid) || pid <= 0) return;
  await stopMoto(pid, handle?.logFile);
  globalThis.__MOTO__ = undefined;
  delete process.env.MOTO_ENDPOINT;
  delete process.env.MOTO_PID;
}
