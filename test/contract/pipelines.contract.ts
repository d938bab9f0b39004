/**
 * The Pipelines port's contract, per target kind. The memory backend runs it for every kind; the
 * AWS adapter runs it against moto where moto implements the start (SageMaker
 * StartPipelineExecution, Step Functions StartExecution, CodeBuild StartBuild).
 */
import type { CodeBuildTarget } from '../../functions/adapters/aws/codebuild';
import type { CodePipelineTarget } from '../../functions/adapters/aws/codepipeline';
import type { SageMakerTarget } from '../../functions/adapters/aws/sagemaker';
import type { StepFunctionsTarget } from '../../functions/adapters/aws/stepfunctions';
import type { RetrainingTarget } from '../../functions/config/policy';
import { ControllerError } from '../../functions/domain/errors';
import type { Pipelines, StartRequest } from '../../functions/ports/pipelines';
import { startedExecutionId } from '../support/started';

export interface PipelinesSubject {
  pipelines: Pipelines;
  /** Creates a pipeline of the contract's kind that this subject alone uses; returns its name. */
  createPipeline(): Promise<string>;
  /** The executions of a pipeline, oldest first, with the variables/parameters each received. */
  executions(pipeline: string): Promise<Array<{ id: string; values: Record<string, string> }>>;
}

export interface PipelinesContractOptions {
  /**
   * Whether the backend honours the client request token. AWS does; moto's SageMaker
   * StartPipelineExecution ignores it (5.2.1), so that case is skipped there and checked on the
   * exact request instead.
   */
  honoursClientRequestToken: boolean;
}

const MANIFEST = 's3://manifests-bucket/mlops-controller/manifests/churn/batch-1.json';
const TOKEN = 'a3f1c2d4e5b60718293a4b5c6d7e8f90112233445566778899aabbccddeeff00';

/**
 * The batch-id name a test pipeline declares: `BATCH_ID` (CodePipeline, CodeBuild), `BatchId`
 * (SageMaker); a Step Functions execution's input always carries `batchId`.
 */
export const batchIdName = (kind: RetrainingTarget['type']): string =>
  ({ codepipeline: 'BATCH_ID', sagemaker: 'BatchId', stepfunctions: 'batchId', codebuild: 'BATCH_ID' })[kind];

/** The name the manifest URI arrives under, per kind (the targets' defaults). */
export const manifestNameOf = (kind: RetrainingTarget['type']): string =>
  ({ codepipeline: 'MANIFEST_URI', sagemaker: 'ManifestUri', stepfunctions: 'manifestUri', codebuild: 'MANIFEST_URI' })[
    kind
  ];

/** The state machines of the contract live here (moto's default account). */
export const stateMachineArnOf = (name: string): string => `arn:aws:states:us-east-1:123456789012:stateMachine:${name}`;

/** A target as the policy yields it; `withBatchId` names the batch-id variable/parameter (opt-in). */
export function targetFor(kind: 'codepipeline', name: string, withBatchId?: boolean): CodePipelineTarget;
export function targetFor(kind: 'sagemaker', name: string, withBatchId?: boolean): SageMakerTarget;
export function targetFor(kind: 'stepfunctions', name: string, withBatchId?: boolean): StepFunctionsTarget;
export function targetFor(kind: 'codebuild', name: string, withBatchId?: boolean): CodeBuildTarget;
export function targetFor(kind: RetrainingTarget['type'], name: string, withBatchId?: boolean): RetrainingTarget;
export function targetFor(kind: RetrainingTarget['type'], name: string, withBatchId = false): RetrainingTarget {
  switch (kind) {
    case 'codepipeline':
    case 'codebuild':
      return {
        type: kind,
        name,
        manifestVariable: 'MANIFEST_URI',
        ...(withBatchId ? { batchIdVariable: batchIdName(kind) } : {}),
        variables: { STAGE: 'prod' },
      };
    case 'sagemaker':
      return {
        type: 'sagemaker',
        name,
        manifestParameter: 'ManifestUri',
        ...(withBatchId ? { batchIdParameter: batchIdName(kind) } : {}),
        parameters: { InstanceType: 'ml.m5.large' },
      };
    case 'stepfunctions':
      return {
        type: 'stepfunctions',
        name,
        stateMachineArn: stateMachineArnOf(name),
        parameters: { InstanceType: 'ml.m5.large' },
      };
  }
}

export function describePipelinesContract(
  name: string,
  kind: RetrainingTarget['type'],
  makeSubject: () => Promise<PipelinesSubject>,
  options: PipelinesContractOptions,
): void {
  const manifestName = manifestNameOf(kind);
  const staticValues =
    kind === 'codepipeline' || kind === 'codebuild' ? { STAGE: 'prod' } : { InstanceType: 'ml.m5.large' };
  // The execution input is the controller's own document, not a declared parameter list: it
  // always carries the batch id.
  const unnamedBatchId = kind === 'stepfunctions' ? { [batchIdName(kind)]: 'churn-1' } : {};

  describe(`Pipelines contract (${kind}): ${name}`, () => {
    let subject: PipelinesSubject;
    let pipeline: string;
    const request = (overrides: Partial<StartRequest> = {}): StartRequest => ({
      target: targetFor(kind, pipeline),
      token: TOKEN,
      manifestUri: MANIFEST,
      batchId: 'churn-1',
      ...overrides,
    });

    beforeEach(async () => {
      subject = await makeSubject();
      pipeline = await subject.createPipeline();
    });

    it('starts one execution that receives the manifest URI and the static values, and no batch id the target does not name', async () => {
      const id = startedExecutionId(await subject.pipelines.start(request()));
      expect(await subject.executions(pipeline)).toEqual([
        { id, values: { [manifestName]: MANIFEST, ...unnamedBatchId, ...staticValues } },
      ]);
    });

    it('passes the batch id under the name the target declares', async () => {
      const id = startedExecutionId(
        await subject.pipelines.start(request({ target: targetFor(kind, pipeline, true) })),
      );
      expect(await subject.executions(pipeline)).toEqual([
        { id, values: { [manifestName]: MANIFEST, [batchIdName(kind)]: 'churn-1', ...staticValues } },
      ]);
    });

    it('passes the manifest URI and the batch id even when a static value uses the same name', async () => {
      const target = targetFor(kind, pipeline, true);
      const clash = { [manifestName]: 's3://elsewhere/x.json', [batchIdName(kind)]: 'static' };
      await subject.pipelines.start(
        request({
          target:
            target.type === 'codepipeline' || target.type === 'codebuild'
              ? { ...target, variables: { ...target.variables, ...clash } }
              : { ...target, parameters: { ...target.parameters, ...clash } },
        }),
      );
      const [execution] = await subject.executions(pipeline);
      expect(execution?.values).toMatchObject({ [manifestName]: MANIFEST, [batchIdName(kind)]: 'churn-1' });
    });

    (options.honoursClientRequestToken ? it : it.skip)(
      'returns the first execution for a repeated token and starts no second one',
      async () => {
        const first = startedExecutionId(await subject.pipelines.start(request()));
        const second = startedExecutionId(await subject.pipelines.start(request()));
        expect(second).toBe(first);
        expect(await subject.executions(pipeline)).toHaveLength(1);
      },
    );

    it('starts a separate execution for each different token', async () => {
      const first = startedExecutionId(await subject.pipelines.start(request({ token: `${TOKEN.slice(0, -1)}1` })));
      const second = startedExecutionId(await subject.pipelines.start(request({ token: `${TOKEN.slice(0, -1)}2` })));
      expect(second).not.toBe(first);
      expect((await subject.executions(pipeline)).map((e) => e.id)).toEqual([first, second]);
    });

    it('accepts a token outside the API length and charset limits (it is normalised, not rejected)', async () => {
      const id = startedExecutionId(await subject.pipelines.start(request({ token: 'churn/batch:7' })));
      expect((await subject.executions(pipeline)).map((e) => e.id)).toEqual([id]);
    });

    it('refuses an unknown pipeline with a non-retryable ControllerError that names it', async () => {
      const missing = `${pipeline}-missing`;
      const failure = await subject.pipelines
        .start(request({ target: targetFor(kind, missing) }))
        .catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(ControllerError);
      expect(failure).toMatchObject({ retryable: false });
      expect((failure as Error).message).toContain(missing);
      expect((failure as Error).cause).toBeDefined();
    });
  });
}
