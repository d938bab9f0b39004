import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulate } from '../../../functions/cli/simulate';

const starts = (r: Awaited<ReturnType<typeof simulate>>) =>
  r.actions.filter((a) => a.operation === 'StartPipelineExecution');

describe('simulate', () => {
  it('the demo starts each closed batch once, quarantines the renamed column, defers on cooldown and running guards', async () => {
    const r = await simulate('test/scenarios/demo.yml');
    expect(starts(r).map((a) => `${a.service}:${(a.input.name ?? a.input.PipelineName) as string}`)).toEqual([
      'sagemaker:ranking-training',
      'codepipeline:churn-retrain',
      'sagemaker:ranking-training',
      'codepipeline:churn-retrain',
    ]);
    const byKind = (kind: string) => r.decisions.filter((d) => d.kind === kind);
    expect(byKind('retraining.quarantine')).toEqual([
      expect.objectContaining({
        subject: 'churn/1',
        outcome: 'QUARANTINED',
        reasons: [
          expect.stringContaining('missing columns monthly_charges; unexpected columns monthly_cost'),
          expect.any(String),
        ],
      }),
    ]);
    expect(byKind('retraining.defer').map((d) => d.reasons[0])).toEqual([
      expect.stringMatching(/still running/),
      expect.stringMatching(/^cooldown/),
    ]);
    expect(byKind('retraining.batch').map((d) => d.reasons[0])).toEqual([
      '500 objects reached maxObjects 500',
      expect.stringMatching(/^marker/),
      expect.stringMatching(/^no new object for/),
      expect.stringMatching(/^marker/),
    ]);
    expect(byKind('retraining.ignore')).toHaveLength(3);
  });

  it('every S3 payload in the shared fixtures starts a run, duplicates change nothing, foreign copies are ignored', async () => {
    const r = await simulate('test/scenarios/s3-fixtures.yml');
    expect(starts(r)).toHaveLength(3);
    expect(new Set(starts(r).map((a) => a.service))).toEqual(new Set(['codepipeline', 'sagemaker']));
    expect(r.decisions.filter((d) => d.kind === 'retraining.ignore').map((d) => d.reasons[0])).toEqual([
      expect.stringMatching(/^account 999999999999/),
      expect.stringMatching(/^region eu-north-1/),
    ]);
  });

  it('--json prints the contract document with AWS service and operation names', () => {
    const out = execFileSync(
      'node',
      ['functions/cli/bin.mjs', 'simulate', 'test/scenarios/s3-fixtures.yml', '--json'],
      {
        encoding: 'utf8',
      },
    );
    const doc = JSON.parse(out);
    expect(doc.actions[0]).toEqual({
      service: 's3',
      operation: 'PutObject',
      input: expect.any(Object),
      at: expect.any(String),
    });
    expect(doc.actions).toContainEqual(
      expect.objectContaining({
        service: 'codepipeline',
        operation: 'StartPipelineExecution',
        input: expect.objectContaining({ clientRequestToken: expect.stringMatching(/^[0-9a-f]{64}$/) }),
      }),
    );
    expect(doc.decisions[0]).toEqual({
      kind: 'retraining.batch',
      subject: 'eventbridge/0',
      outcome: 'CLOSED',
      reasons: expect.any(Array),
      at: expect.any(String),
    });
  });
});

describe('validate', () => {
  it('accepts the example policy', () => {
    expect(execFileSync('node', ['functions/cli/bin.mjs', 'validate', 'controller.yml'], { encoding: 'utf8' })).toMatch(
      /valid \(2 retraining rules, 2 gates, 3 rollback bindings, 1 lifecycle-hook checks, 1 stage-retry rules\)/,
    );
  });

  it('prints every problem with its path and exits non-zero', () => {
    const dir = mkdtempSync(join(tmpdir(), 'policy-'));
    const file = join(dir, 'bad.yml');
    writeFileSync(
      file,
      readFileSync('controller.yml', 'utf8')
        .replace('name: churn-retrain', 'nam: churn-retrain')
        .replace('maxObjects: 500', 'maxObjects: -5'),
    );
    const run = spawnSync('node', ['functions/cli/bin.mjs', 'validate', file], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    // The misspelled key is reported once, with the key to write; not again as a missing name.
    expect(run.stderr).toContain('retraining[0].target: unknown key "nam": did you mean "name"? (write name: …)');
    expect(run.stderr).not.toContain('retraining[0].target.name: required');
    expect(run.stderr).toContain('retraining[1].trigger.maxObjects: must be > 0');
  });

  it('refuses an old policy using observeOnly, naming the path and what to write instead', () => {
    const dir = mkdtempSync(join(tmpdir(), 'policy-'));
    const file = join(dir, 'old.yml');
    const text = readFileSync('controller.yml', 'utf8');
    // The first rollback binding, as policies wrote observe mode before `mode: observe`.
    writeFileSync(file, text.replace('rollback:\n  - name: ', 'rollback:\n  - observeOnly: true\n    name: '));
    const run = spawnSync('node', ['functions/cli/bin.mjs', 'validate', file], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      'rollback[0].observeOnly: no longer supported: write `mode: observe` instead of `observeOnly: true`',
    );
  });
});
