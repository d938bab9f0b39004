/**
 * CodeDeploy on moto beyond its timestamps (moto-codedeploy-times.ts): what moto cannot tell set
 * in its answers, and a group to deploy to.
 */
import {
  CreateApplicationCommand,
  CreateDeploymentGroupCommand,
  type CodeDeployClient,
} from '@aws-sdk/client-codedeploy';
import { fixMotoCodeDeployTimes } from './moto-codedeploy-times';

type Reported = { deploymentId?: string; createTime?: Date; status?: string };

/**
 * What moto cannot tell about a deployment (the status it reached, the time it was created), set
 * in moto's own GetDeployment/BatchGetDeployments answers on `client` (its times fixed first):
 * everything else in them is moto's.
 */
export function rewriteDeployments(
  client: CodeDeployClient,
  rewrite: (d: Reported & { deploymentId: string }) => void,
) {
  fixMotoCodeDeployTimes(client);
  client.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const output = result.output as { deploymentInfo?: Reported; deploymentsInfo?: Reported[] };
      for (const d of [output.deploymentInfo, ...(output.deploymentsInfo ?? [])])
        if (d?.deploymentId) rewrite(d as Reported & { deploymentId: string });
      return result;
    },
    { step: 'initialize', priority: 'low', name: 'rewriteDeployments' },
  );
}

/**
 * An application of `platform` with one deployment group, `live`, deploying with `config` (without
 * one, CodeDeploy's default for the platform).
 */
export async function liveGroup(
  codedeploy: CodeDeployClient,
  application: string,
  platform: 'Lambda' | 'ECS',
  config?: string,
): Promise<void> {
  await codedeploy.send(new CreateApplicationCommand({ applicationName: application, computePlatform: platform }));
  await codedeploy.send(
    new CreateDeploymentGroupCommand({
      applicationName: application,
      deploymentGroupName: 'live',
      ...(config ? { deploymentConfigName: config } : {}),
      serviceRoleArn: 'arn:aws:iam::123456789012:role/codedeploy',
    }),
  );
}
