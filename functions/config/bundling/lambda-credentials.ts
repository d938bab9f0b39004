/**
 * The bundled functions' credential provider, in place of the SDK's default chain: at package time
 * infra/esbuild-plugins.cjs resolves `@aws-sdk/credential-provider-node` (which every client's
 * runtime config imports) to this module.
 *
 * On Lambda the execution role's credentials are in the environment, and the environment is the
 * first link of the default chain. The other links (SSO, shared config files, credential_process,
 * web identity, container/instance metadata, console login) can never answer there, yet they and
 * the STS/SSO clients they carry were ≈110 KB of every bundle, compiled on every cold start. Local
 * tools (tests, simulate) are not bundled and keep the full chain.
 */
import { ControllerError } from '../../domain/errors';

export interface EnvironmentCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
  credentialScope?: string;
  accountId?: string;
}

/** Same variables as the SDK's environment provider (fromEnv). */
export function credentialsFromEnvironment(env: NodeJS.ProcessEnv = process.env): EnvironmentCredentials {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey)
    throw new ControllerError(
      'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set: a bundled function takes its execution role credentials from the Lambda environment',
      { retryable: false },
    );
  const credentials: EnvironmentCredentials = { accessKeyId, secretAccessKey };
  if (env.AWS_SESSION_TOKEN) credentials.sessionToken = env.AWS_SESSION_TOKEN;
  if (env.AWS_CREDENTIAL_EXPIRATION) credentials.expiration = new Date(env.AWS_CREDENTIAL_EXPIRATION);
  if (env.AWS_CREDENTIAL_SCOPE) credentials.credentialScope = env.AWS_CREDENTIAL_SCOPE;
  if (env.AWS_ACCOUNT_ID) credentials.accountId = env.AWS_ACCOUNT_ID;
  return credentials;
}

/** The export the clients' runtime configs import as `credentialDefaultProvider`. */
export const defaultProvider = () => async (): Promise<EnvironmentCredentials> => credentialsFromEnvironment();
