/**
 * Starts one moto server for the whole integration run (jest `globalSetup`).
 *
 * Test workers are forked after this runs, so what we put in `process.env` (MOTO_ENDPOINT, dummy
 * credentials, region) is what every test file sees. The child's pid travels to the teardown through
 * `globalThis` (same process) and `MOTO_PID`.
 */
import { iamCallsSetup } from './aws-rules/iam-global';
import { motoEnvironment, startMoto, type MotoHandle } from './moto-server';

export type { MotoHandle } from './moto-server';

declare global {
  var __MOTO__: MotoHandle | undefined;
}

export default async function globalSetup(): Promise<void> {
  // Before the workers fork: every test file records its AWS calls there (the IAM upper bound).
  iamCallsSetup();
  if (globalThis.__MOTO__) return;
  const { child, handle } = await startMoto();
  globalThis.__MOTO__ = handle;
  // Last resort if jest exits without running the teardown.
  process.once('exit', () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });

  Object.assign(process.env, motoEnvironment(handle));
  // Never let a developer's real profile or SSO session leak into a test.
  delete process.env.AWS_PROFILE;
}
