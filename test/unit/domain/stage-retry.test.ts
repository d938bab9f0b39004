import type { StageRetryRule } from '../../../functions/config/policy-rollback';
import { AwsCallError } from '../../../functions/domain/errors';
import { attemptStep, rejectedApproval, retryRefusal, retryRuleFor } from '../../../functions/domain/stage-retry';
import type { StageActionRun } from '../../../functions/ports/stage-control';

const rule = (fields: Partial<StageRetryRule> = {}): StageRetryRule => ({
  pipeline: 'churn-deploy',
  stages: ['Deploy', 'Test'],
  maxAttempts: 2,
  delaySeconds: 30,
  ...fields,
});
const named = (name: string, message = 'no') => Object.assign(new Error(message), { name });

describe('retryRuleFor', () => {
  const deploy = rule();
  const other = rule({ pipeline: 'fraud-deploy', stages: ['Deploy'] });
  it.each<[string, string, string, object]>([
    ['a listed stage of the pipeline', 'churn-deploy', 'Test', { rule: deploy }],
    ['another pipeline’s rule for the same stage name', 'fraud-deploy', 'Deploy', { rule: other }],
    [
      'a stage the rule does not list',
      'churn-deploy',
      'Build',
      { reason: 'stage Build of churn-deploy is not marked retryable' },
    ],
    ['a pipeline no rule names', 'etl', 'Deploy', { reason: 'stage Deploy of etl is not marked retryable' }],
  ])('%s', (_name, pipeline, stage, expected) => {
    expect(retryRuleFor([deploy, other], pipeline, stage)).toEqual(expected);
  });
});

describe('rejectedApproval', () => {
  const run = (fields: Partial<StageActionRun>): StageActionRun => ({
    stage: 'Deploy',
    action: 'Approve',
    category: 'Approval',
    status: 'Failed',
    ...fields,
  });
  it.each<[string, StageActionRun[], string | undefined]>([
    [
      'a rejected approval in the stage forbids the retry',
      [run({ action: 'Build', category: 'Build', status: 'Succeeded' }), run({})],
      'approval Approve was rejected: a person said no, retrying would overrule them',
    ],
    ['an approved approval does not', [run({ status: 'Succeeded' })], undefined],
    ['a rejection in another stage does not', [run({ stage: 'Test' })], undefined],
    ['a failed build action does not', [run({ category: 'Build', action: 'Compile' })], undefined],
    ['no action runs', [], undefined],
  ])('%s', (_name, runs, expected) => {
    expect(rejectedApproval('Deploy', runs)).toBe(expected);
  });
});

describe('attemptStep', () => {
  it.each<[string, number | 'duplicate' | 'exhausted', object]>([
    ['a redelivered failure event', 'duplicate', { phase: 'duplicate' }],
    [
      'every retry used',
      'exhausted',
      { phase: 'exhausted', reason: '2 retries used: the stage stays failed for a person to look at' },
    ],
    ['the first attempt', 1, { phase: 'retry', attempt: 1, reason: 'attempt 1 of 2 after 30s (FAILED_ACTIONS)' }],
    ['the last attempt', 2, { phase: 'retry', attempt: 2, reason: 'attempt 2 of 2 after 30s (FAILED_ACTIONS)' }],
  ])('%s', (_name, attempt, expected) => {
    expect(attemptStep(rule(), attempt)).toEqual(expected);
  });
});

describe('retryRefusal', () => {
  it.each<[string, unknown, string | undefined]>([
    [
      'a stage that cannot be retried, wrapped by the adapter',
      new AwsCallError('codepipeline', 'RetryStageExecution', named('StageNotRetryableException', 'not retryable')),
      'CodePipeline refused the retry: StageNotRetryableException: not retryable',
    ],
    [
      'a newer execution, unwrapped',
      named('NotLatestPipelineExecutionException', 'newer one'),
      'CodePipeline refused the retry: NotLatestPipelineExecutionException: newer one',
    ],
    [
      'a conflict',
      named('ConflictException', 'in progress'),
      'CodePipeline refused the retry: ConflictException: in progress',
    ],
    [
      'throttling is a failure to retry, not a refusal',
      new AwsCallError('codepipeline', 'RetryStageExecution', named('ThrottlingException')),
      undefined,
    ],
    ['a plain error', new Error('socket hang up'), undefined],
    ['a thrown string', 'boom', undefined],
  ])('%s', (_name, error, expected) => {
    expect(retryRefusal(error)).toBe(expected);
  });
});
