/**
 * CodeDeploy on moto beyond its timestamps (moto-codedeploy-times.ts): what moto cannot tell set
 * in its answers, a group to deploy to, the rollback tick that follows deployments.
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

/** The rollback schedule's EventBridge event, as the AWS Events reference documents it. */
export const rollbackTick = () => ({
  version: '0',
  id: 'b2f3c2d4-3e5e-4d7a-9c1b-2f2a7b1f0c12',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '123456789012',
  time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
  region: 'us-east-1',
  resources: ['arn:aws:events:us-east-1:123456789012:rule/mlops-controller-rollback-tick'],
  detail: {},
});

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
