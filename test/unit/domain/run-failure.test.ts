import { classifyFailure, explainFailure, MAX_TEXT } from '../../../functions/domain/run-failure';

describe('classifyFailure', () => {
  it.each([
    [
      'CodePipeline action: the pipeline role may not start the build',
      'Error calling startBuild: User: arn:aws:sts::123456789012:assumed-role/AWSCodePipelineServiceRole-us-east-1-churn/1700000000000 is not authorized to perform: codebuild:StartBuild on resource: arn:aws:codebuild:us-east-1:123456789012:project/churn-train because no identity-based policy allows the codebuild:StartBuild action',
      'access denied',
    ],
    [
      'SageMaker step: S3 access denied reading the manifest',
      'ClientError: An error occurred (AccessDenied) when calling the GetObject operation: Access Denied',
      'access denied',
    ],
    [
      'SageMaker training: account quota of the instance type is 0',
      "ResourceLimitExceeded: The account-level service limit 'ml.p3.2xlarge for training job usage' is 0 Instances, with current utilization of 0 Instances and a request delta of 1 Instances. Please use AWS Service Quotas to request an increase for this quota. If AWS Service Quotas is not available, contact AWS support to request an increase for this quota.",
      'quota or capacity',
    ],
    [
      'SageMaker training: no capacity in the region',
      'CapacityError: Unable to provision requested ML compute capacity. Please retry using a different ML instance type.',
      'quota or capacity',
    ],
    [
      'SageMaker training: out of memory',
      'ClientError: Please use an instance type with more memory, or reduce the size of job data processed on an instance.',
      'out of memory',
    ],
    [
      'CodeBuild in CodePipeline: the training command was killed (exit 137)',
      'Build terminated with state: FAILED. Phase: BUILD, Code: COMMAND_EXECUTION_ERROR, Message: Error while executing command: python train.py. Reason: exit status 137',
      'out of memory',
    ],
    [
      'Python MemoryError in a processing job',
      'AlgorithmError: ExecuteUserScriptError: Command "/usr/bin/python3 preprocess.py" Traceback (most recent call last): MemoryError',
      'out of memory',
    ],
    ['Lambda step timed out', 'Task timed out after 900.00 seconds', 'timeout'],
    [
      'SageMaker training stopped at its stopping condition',
      'MaxRuntimeExceeded: Training job reached the stopping condition MaxRuntimeInSeconds of 86400',
      'timeout',
    ],
    [
      'CodeBuild buildspec does not parse',
      'Build terminated with state: FAILED. Phase: DOWNLOAD_SOURCE, Code: YAML_FILE_ERROR, Message: YAML file does not exist',
      'syntax or configuration',
    ],
    [
      'SageMaker: a pipeline parameter the definition does not declare',
      'ValidationException: Pipeline parameter "ManifestUri" is not defined in the pipeline definition',
      'syntax or configuration',
    ],
    [
      'Processing script imports a module the image lacks',
      "AlgorithmError: ExecuteUserScriptError: ModuleNotFoundError: No module named 'xgboost'",
      'syntax or configuration',
    ],
    ['a message with no known cause', 'Step failed for an unspecified reason', 'unclassified'],
  ])('%s', (_name, message, cause) => {
    const { cause: found, hint } = classifyFailure(message);
    expect(found).toBe(cause);
    expect(hint.length).toBeGreaterThan(20);
  });

  it('says when the service gave no message at all', () => {
    expect(classifyFailure(undefined)).toEqual({
      cause: 'unclassified',
      hint: 'the service gave no failure message: open the run in its console (execution id above) for the full log',
    });
  });
});

describe('explainFailure', () => {
  it('names the target, run, place and message, then the cause and what to do', () => {
    const e = explainFailure(
      'sagemaker:churn-training',
      'arn:aws:sagemaker:us-east-1:123456789012:pipeline/churn-training/execution/abc123',
      {
        failedAt:
          'step Train (TrainingJob arn:aws:sagemaker:us-east-1:123456789012:training-job/pipelines-abc123-train)',
        message:
          'ClientError: Please use an instance type with more memory, or reduce the size of job data processed on an instance.',
      },
    );
    expect(e.cause).toBe('out of memory');
    expect(e.text).toBe(
      'sagemaker:churn-training run arn:aws:sagemaker:us-east-1:123456789012:pipeline/churn-training/execution/abc123 failed at step Train (TrainingJob arn:aws:sagemaker:us-east-1:123456789012:training-job/pipelines-abc123-train): ClientError: Please use an instance type with more memory, or reduce the size of job data processed on an instance.. Likely cause: out of memory; the job ran out of memory: choose an instance type with more memory, or lower the batch size or the data loaded per instance.',
    );
  });

  it('says what could not be read, and still classifies nothing as unclassified', () => {
    const e = explainFailure('codepipeline:churn', 'exec-1', { unread: 'could not read why: AccessDeniedException' });
    expect(e.cause).toBe('unclassified');
    expect(e.text).toMatch(
      /^codepipeline:churn run exec-1 failed\. Likely cause: unclassified; .*\(could not read why: AccessDeniedException\)$/,
    );
  });

  it('keeps a long multi-line message on one line and within the bound', () => {
    const message = `Traceback (most recent call last):\n${'  File "train.py", line 10, in <module>\n'.repeat(60)}MemoryError`;
    const e = explainFailure('codepipeline:churn', 'exec-2', { failedAt: 'stage Train, action Fit', message });
    expect(e.text.length).toBeLessThanOrEqual(MAX_TEXT);
    expect(e.text).not.toMatch(/\n/);
    expect(e.text).toMatch(/ … .*MemoryError\. Likely cause: out of memory;/);
  });
});
