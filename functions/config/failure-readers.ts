import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { CodeBuildFailureReader } from '../adapters/aws/codebuild-failures';
import { CodePipelineFailureReader } from '../adapters/aws/codepipeline-failures';
import type { FailureReaders } from '../adapters/aws/run-failures';
import { SageMakerFailureReader } from '../adapters/aws/sagemaker-failures';
import { StepFunctionsFailureReader } from '../adapters/aws/stepfunctions-failures';
import type { RetrainingClients } from './retraining-runtime';

/**
 * Who reads why a failed run failed, one reader per target type, on the retraining clients (and a
 * CloudWatch Logs client for the build logs). Imported by executionFinished's handler alone: the
 * other retraining functions never explain a failure, so neither their bundles nor their roles
 * carry these reads.
 */
export function failureReaders(clients: RetrainingClients, clientConfig: Record<string, unknown>): FailureReaders {
  return {
    codepipeline: new CodePipelineFailureReader(clients.codepipeline),
    sagemaker: new SageMakerFailureReader(clients.sagemaker),
    ...(clients.stepfunctions ? { stepfunctions: new StepFunctionsFailureReader(clients.stepfunctions) } : {}),
    ...(clients.codebuild
      ? { codebuild: new CodeBuildFailureReader(clients.codebuild, new CloudWatchLogsClient(clientConfig)) }
      : {}),
  };
}
