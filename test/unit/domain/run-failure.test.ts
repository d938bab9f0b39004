import {
  classifyFailure,
  explainFailure,
  logTail,
  LOG_BYTES,
  LOG_LINES,
  MAX_TEXT,
} from '../../../functions/domain/run-failure';

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

/** A CodeBuild log tail as the agent writes it: `[Container] <date> <time>` lines around the build's own output. */
const agent = (text: string) => `[Container] 2026/11/22 08:21:04.118412 ${text}`;

describe('explainFailure on a CodeBuild build: the phase context and the last log lines, one classification', () => {
  it.each([
    [
      'the training command was killed for memory (exit status 137)',
      'COMMAND_EXECUTION_ERROR: Error while executing command: python train.py. Reason: exit status 137',
      [
        'Epoch 3/20: loading shard 7 of 12',
        agent('Command did not exit successfully python train.py exit status 137'),
        agent('Phase complete: BUILD State: FAILED'),
        agent(
          'Phase context status code: COMMAND_EXECUTION_ERROR Message: Error while executing command: python train.py. Reason: exit status 137',
        ),
      ],
      'out of memory',
    ],
    [
      'the build role may not write the model to S3',
      'COMMAND_EXECUTION_ERROR: Error while executing command: python train.py. Reason: exit status 1',
      [
        'Traceback (most recent call last):',
        '  File "train.py", line 88, in <module>',
        '    s3.upload_file("model.tar.gz", bucket, key)',
        'botocore.exceptions.ClientError: An error occurred (AccessDenied) when calling the PutObject operation: Access Denied',
        agent('Command did not exit successfully python train.py exit status 1'),
        agent('Phase complete: BUILD State: FAILED'),
      ],
      'access denied',
    ],
    [
      'the service role may not create its log stream (PROVISIONING)',
      'ACCESS_DENIED: Service role arn:aws:iam::123456789012:role/service-role/codebuild-train-service-role does not allow AWS CodeBuild to create Amazon CloudWatch Logs log streams for build arn:aws:codebuild:us-east-1:123456789012:build/train:0b1c2d3e',
      [],
      'access denied',
    ],
    [
      'a buildspec command with ": " parses as a map',
      'YAML_FILE_ERROR: Expected Commands[0] to be of string type: found subkeys instead at line 6, value of the key tag on line 5 might be empty',
      [agent('Phase context status code: YAML_FILE_ERROR Message: Expected Commands[0] to be of string type')],
      'syntax or configuration',
    ],
    [
      'a standard image needs runtime-versions in the buildspec',
      'YAML_FILE_ERROR: This build image requires selecting at least one runtime version',
      [],
      'syntax or configuration',
    ],
    [
      "Docker Hub's pull rate limit stops the image build",
      'COMMAND_EXECUTION_ERROR: Error while executing command: docker build -t train:latest .. Reason: exit status 1',
      [
        'Step 1/9 : FROM python:3.11-slim',
        'toomanyrequests: You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit',
        agent('Command did not exit successfully docker build -t train:latest . exit status 1'),
      ],
      'quota or capacity',
    ],
    [
      'the build starts a SageMaker job the account has no quota for',
      'COMMAND_EXECUTION_ERROR: Error while executing command: python launch.py. Reason: exit status 1',
      [
        "botocore.exceptions.ClientError: An error occurred (ResourceLimitExceeded) when calling the CreateTrainingJob operation: The account-level service limit 'ml.p3.2xlarge for training job usage' is 0 Instances, with current utilization of 0 Instances and a request delta of 1 Instances.",
      ],
      'quota or capacity',
    ],
    [
      'a command failed and its output names no known cause',
      'COMMAND_EXECUTION_ERROR: Error while executing command: python evaluate.py. Reason: exit status 2',
      [
        "ValueError: could not convert string to float: 'n/a'",
        agent('Command did not exit successfully python evaluate.py exit status 2'),
      ],
      'unclassified',
    ],
  ])('%s', (_name, message, log, cause) => {
    const e = explainFailure('codebuild:train', 'arn:aws:codebuild:us-east-1:123456789012:build/train:0b1c2d3e', {
      failedAt: 'phase BUILD (FAILED)',
      ...(message ? { message } : {}),
      ...(log.length ? { log } : {}),
    });
    expect(e.cause).toBe(cause);
    expect(e.text.length).toBeLessThanOrEqual(MAX_TEXT);
    expect(e.text).toContain(`. Likely cause: ${cause}; ${e.hint}.`);
  });

  it('classifies a phase that timed out by its status when neither message nor log names the cause', () => {
    const e = explainFailure('codebuild:train', 'train:2', {
      failedAt: 'phase BUILD (TIMED_OUT)',
      status: 'TIMED_OUT',
      log: [agent('Running command python train.py --epochs 200')],
    });
    expect(e.cause).toBe('timeout');
    expect(
      explainFailure('codebuild:train', 'train:2', { log: [agent('Running command python train.py')] }).cause,
    ).toBe('unclassified');
  });

  it("quotes the build's own last lines, not the agent's bookkeeping after them", () => {
    const e = explainFailure('codebuild:train', 'train:1', {
      failedAt: 'phase BUILD (FAILED)',
      message: 'COMMAND_EXECUTION_ERROR: Error while executing command: python train.py. Reason: exit status 1',
      log: [
        agent('Running command python train.py'),
        'Traceback (most recent call last):',
        "ModuleNotFoundError: No module named 'xgboost'",
        agent('Command did not exit successfully python train.py exit status 1'),
        agent('Phase complete: BUILD State: FAILED'),
      ],
    });
    expect(e.cause).toBe('syntax or configuration');
    expect(e.text).toMatch(
      /Reason: exit status 1\. Log ends: Traceback \(most recent call last\): \| ModuleNotFoundError: No module named 'xgboost'\. Likely cause: syntax or configuration;/,
    );
  });

  it('keeps the cause and hint whole when the message and the log are long', () => {
    const e = explainFailure('codebuild:train', 'arn:aws:codebuild:us-east-1:123456789012:build/train:0b1c2d3e', {
      failedAt: 'phase BUILD (FAILED)',
      message: `COMMAND_EXECUTION_ERROR: Error while executing command: ${'python train.py --flag '.repeat(60)}. Reason: exit status 1`,
      log: Array.from({ length: 40 }, (_, i) => `step ${i}: ${'x'.repeat(120)}`).concat(['MemoryError']),
    });
    expect(e.text.length).toBeLessThanOrEqual(MAX_TEXT);
    expect(e.text).toMatch(/ \| MemoryError\. Likely cause: out of memory; .*per instance\.$/);
  });
});

describe('explainFailure on a Step Functions execution: the failed state, its error and cause', () => {
  it.each([
    [
      'a SageMaker training task the account has no quota for',
      "SageMaker.AmazonSageMakerException: The account-level service limit 'ml.p3.2xlarge for training job usage' is 0 Instances, with current utilization of 0 Instances and a request delta of 1 Instances. (Service: AmazonSageMaker; Status Code: 400; Error Code: ResourceLimitExceeded; Request ID: 5d7e3f0a-1b2c-4d5e-8f90-a1b2c3d4e5f6; Proxy: null)",
      'quota or capacity',
    ],
    [
      "the state machine's role may not create the training job",
      'SageMaker.AmazonSageMakerException: User: arn:aws:sts::123456789012:assumed-role/retrain-state-machine/abc is not authorized to perform: sagemaker:CreateTrainingJob on resource: arn:aws:sagemaker:us-east-1:123456789012:training-job/forecast-7 because no identity-based policy allows the sagemaker:CreateTrainingJob action (Service: AmazonSageMaker; Status Code: 400; Error Code: AccessDeniedException)',
      'access denied',
    ],
    [
      'a path the input does not have',
      "States.Runtime: An error occurred while executing the state 'Train' (entered at the event id #2). The JSONPath '$.manifest' specified for the field 'S3Uri.$' could not be found in the input '{\"manifestUri\":\"s3://m/forecast/7.json\"}'",
      'syntax or configuration',
    ],
    ['a task past its TimeoutSeconds', 'States.Timeout', 'timeout'],
    ['a Fail state with its own words', 'ModelRejected: validation loss 0.41 above the bar 0.30', 'unclassified'],
  ])('%s', (_name, message, cause) => {
    const e = explainFailure(
      'stepfunctions:forecast-training',
      'arn:aws:states:us-east-1:123456789012:execution:forecast-training:forecast-7-514ccab241dce894',
      { failedAt: 'state Train (TaskFailed)', message },
    );
    expect(e.cause).toBe(cause);
  });
});

describe('logTail', () => {
  it('keeps the last non-blank lines of the messages, oldest first, within LOG_LINES and LOG_BYTES', () => {
    const messages = Array.from({ length: 100 }, (_, i) => `line ${i}\n`);
    expect(logTail(messages)).toEqual(Array.from({ length: LOG_LINES }, (_, i) => `line ${100 - LOG_LINES + i}`));
    expect(logTail(['first\nsecond\n\n', '  ', 'third'])).toEqual(['first', 'second', 'third']);
    const wide = logTail(Array.from({ length: 10 }, (_, i) => `${i}${'é'.repeat(1000)}`));
    expect(wide.map((l) => l[0])).toEqual(['8', '9']);
    expect(new TextEncoder().encode(wide.join('')).length).toBeLessThanOrEqual(LOG_BYTES);
  });
});
