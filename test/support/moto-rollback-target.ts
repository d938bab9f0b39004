/**
 * What a CodeDeploy rollback binding acts on, made on moto: a model package group with one
 * Approved package, and a Lambda application whose `live` group has one deployment in flight
 * naming that package (its description, as a deploy pipeline writes it).
 */
import { CreateDeploymentCommand, type CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { CreateModelPackageGroupCommand, type SageMakerClient } from '@aws-sdk/client-sagemaker';
import { uniqueName } from './aws';
import { liveGroup } from './moto-codedeploy';
import { motoModelPackage } from './moto-packages';

export async function motoRollbackTarget(codedeploy: CodeDeployClient, sagemaker: SageMakerClient) {
  const group = uniqueName('churn-models');
  await sagemaker.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: group }));
  const pkg = await motoModelPackage(sagemaker, group, 'Approved');
  const application = uniqueName('app');
  await liveGroup(codedeploy, application, 'Lambda');
  const inFlight = (
    await codedeploy.send(
      new CreateDeploymentCommand({
        applicationName: application,
        deploymentGroupName: 'live',
        description: `model ${pkg}`,
        revision: { revisionType: 'AppSpecContent', appSpecContent: { content: `model ${pkg}` } },
      }),
    )
  ).deploymentId!;
  return { group, pkg, application, inFlight };
}
