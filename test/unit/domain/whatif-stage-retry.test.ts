import { validatePolicy } from '../../../functions/config/policy';
import { redecideStageRetries } from '../../../functions/domain/whatif-stage-retry';
import type { Decision } from '../../../functions/ports/decision-log';
import { testController } from '../../support/policies';

const rules = (maxAttempts: number, stages = ['Deploy']) =>
  validatePolicy({
    version: 1,
    controller: testController,
    retraining: [],
    stageRetry: [{ pipeline: 'p', stages, maxAttempts, delaySeconds: 60 }],
  }).stageRetry;

const retry = (outcome: string, inputs: Record<string, unknown>, reasons: string[] = []): Decision => ({
  kind: 'rollback.stage-retry',
  subject: 'p/Deploy/exec-1',
  outcome,
  reasons,
  inputs,
  at: '2026-11-22T15:00:00.000Z',
});

/** Two retries, then the stage left failed (maxAttempts 2). */
const recorded = [
  retry('RETRIED', { id: 'e1', attempt: 1, maxAttempts: 2 }),
  retry('RETRIED', { id: 'e2', attempt: 2, maxAttempts: 2 }),
  retry('LEFT_FAILED', { id: 'e3', maxAttempts: 2 }),
];
const outcomes = (r: ReturnType<typeof redecideStageRetries>) =>
  recorded.map((_, i) => r.get(i)?.after?.outcome ?? `missing: ${r.get(i)?.missing?.slice(0, 12)}`);

describe('redecideStageRetries', () => {
  it.each<[string, ReturnType<typeof rules>, string[]]>([
    ['the same rule decides as recorded', rules(2), ['RETRIED', 'RETRIED', 'LEFT_FAILED']],
    ['three attempts retry the third failure (a flip)', rules(3), ['RETRIED', 'RETRIED', 'RETRIED']],
    [
      'one attempt leaves the second failure failed (a flip); the third may not have happened',
      rules(1),
      ['RETRIED', 'LEFT_FAILED', 'missing: the retry at'],
    ],
    [
      'a stage no longer marked retryable is ignored',
      rules(2, ['Build']),
      ['IGNORED', 'missing: the retry at', 'missing: the retry at'],
    ],
  ])('%s', (_name, r, expected) => {
    expect(outcomes(redecideStageRetries(recorded, r))).toEqual(expected);
  });

  it('words the attempt as the step does, with the new rule', () => {
    expect(redecideStageRetries(recorded, rules(3)).get(2)?.after?.reasons).toEqual([
      'attempt 3 of 3 after 60s (FAILED_ACTIONS)',
    ]);
  });

  it("keeps a person's rejection, and says a failure without an earlier count lacks its number", () => {
    const rejected = retry('NOT_RETRIED', { id: 'e0' }, [
      'approval A was rejected: a person said no, retrying would overrule them',
    ]);
    expect(redecideStageRetries([rejected], rules(5)).get(0)).toMatchObject({
      after: { outcome: 'NOT_RETRIED' },
      flipped: false,
    });
    expect(redecideStageRetries([recorded[2]!], rules(5)).get(0)?.missing).toMatch(
      /^its failure number is not recorded/,
    );
  });
});
