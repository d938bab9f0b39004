import fc from 'fast-check';
import { codePipelineStartInput } from '../../../functions/adapters/aws/codepipeline';
import { sageMakerStartInput } from '../../../functions/adapters/aws/sagemaker';
import type { RetrainingTarget } from '../../../functions/config/policy';
import { PolicyError } from '../../../functions/domain/errors';
import { describeViolation, validateRequest } from '../../support/aws-rules/models';
import { testRule } from '../../support/policies';

type Target<T extends RetrainingTarget['type']> = Extract<RetrainingTarget, { type: T }>;

/** The rule's target if the policy accepts it; undefined when validation refuses it. */
function accepted(target: Record<string, unknown>): RetrainingTarget | undefined {
  try {
    return testRule({ target }).target;
  } catch (error) {
    if (error instanceof PolicyError) return undefined;
    throw error;
  }
}

const request = {
  token: 'r-1:0a1b2c3d4e5f',
  manifestUri: 's3://churn-manifests/manifests/r/000001.json',
  batchId: 'r-000001',
};
const startViolations = (target: RetrainingTarget) =>
  (target.type === 'codepipeline'
    ? validateRequest(
        'codepipeline',
        'StartPipelineExecution',
        codePipelineStartInput({ ...request, target: target as Target<'codepipeline'> }),
      )
    : validateRequest(
        'sagemaker',
        'StartPipelineExecution',
        sageMakerStartInput({ ...request, target: target as Target<'sagemaker'> }),
      )
  ).map(describeViolation);

// Names and values near the models' edges: characters each pattern forbids, line breaks, lengths.
const text = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.stringMatching(/^[A-Za-z0-9_@.-]{1,12}$/),
  fc.constantFrom('', 'churn_train', 'churn train', 'a\nb', '-lead', 'x'.repeat(101), 'v'.repeat(1001), 'ok-name'),
);

describe('a retraining target the policy accepts starts with a request the AWS model accepts', () => {
  it.each<[string, Record<string, unknown>]>([
    ['a SageMaker pipeline name with "_"', { type: 'sagemaker', name: 'churn_train' }],
    ['a CodePipeline name with a space', { type: 'codepipeline', name: 'churn train' }],
    ['a CodePipeline name over 100 characters', { type: 'codepipeline', name: 'p'.repeat(101) }],
    ['an empty static variable value', { type: 'codepipeline', name: 'p', variables: { STAGE: '' } }],
    ['a static variable value on two lines', { type: 'codepipeline', name: 'p', variables: { NOTE: 'a\nb' } }],
    ['a static variable name with a space', { type: 'codepipeline', name: 'p', variables: { 'MY VAR': 'x' } }],
    ['a SageMaker parameter name with a dot', { type: 'sagemaker', name: 'p', parameters: { 'a.b': 'x' } }],
    ['a SageMaker parameter value over 1024', { type: 'sagemaker', name: 'p', parameters: { Big: 'x'.repeat(1025) } }],
  ])('refuses %s at validation, before any start', (_name, target) => {
    expect(accepted(target)).toBeUndefined();
  });

  it('holds for generated targets of both kinds', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('codepipeline', 'sagemaker'),
        text,
        fc.dictionary(text, text, { maxKeys: 3 }),
        (type, name, statics) => {
          const target = accepted({ type, name, [type === 'codepipeline' ? 'variables' : 'parameters']: statics });
          if (target) expect(startViolations(target)).toEqual([]);
        },
      ),
      { numRuns: 300, seed: 20261203 },
    );
  });
});
