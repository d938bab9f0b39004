import { execFileSync } from 'node:child_process';
import { simulate } from '../../../functions/cli/simulate';

type Result = Awaited<ReturnType<typeof simulate>>;
const gateDecisions = (r: Result) =>
  r.decisions.filter((d) => d.kind === 'gate.registry' || d.kind === 'gate.approval');
const ops = (r: Result) => r.actions.map((a) => `${a.service}:${a.operation}`);
const arn = (version: number) => `arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-models/${version}`;

describe('simulate: gate scenarios', () => {
  it('a better challenger is approved once, however often its event arrives', async () => {
    const r = await simulate('test/scenarios/gates-better-challenger.yml');
    expect(gateDecisions(r).map((d) => [d.subject, d.outcome])).toEqual([
      [arn(2), 'APPROVE'],
      [arn(2), 'SKIPPED'],
    ]);
    expect(r.actions).toEqual([
      expect.objectContaining({
        service: 'sagemaker',
        operation: 'UpdateModelPackage',
        input: expect.objectContaining({ ModelPackageArn: arn(2), ModelApprovalStatus: 'Approved' }),
      }),
    ]);
  });

  it('a worse challenger is rejected with the numbers', async () => {
    const r = await simulate('test/scenarios/gates-worse-challenger.yml');
    expect(r.actions).toEqual([
      expect.objectContaining({
        operation: 'UpdateModelPackage',
        input: expect.objectContaining({
          ModelApprovalStatus: 'Rejected',
          ApprovalDescription: expect.stringContaining(
            'auc=0.8 (champion 0.84) FAIL critical: worse by 0.04 > 0.01 allowed',
          ),
        }),
      }),
    ]);
  });

  it('a challenger with a missing report is held: no approval call, one notification for two deliveries', async () => {
    const r = await simulate('test/scenarios/gates-missing-report.yml');
    expect(ops(r)).toEqual(['sns:Publish']);
    expect(gateDecisions(r).map((d) => d.outcome)).toEqual(['HOLD', 'HOLD']);
    expect(gateDecisions(r)[0]!.reasons[0]).toContain('auc=- NODATA critical');
  });

  it('a warning-only regression is held by one gate and approved by the other, as each policy says', async () => {
    const r = await simulate('test/scenarios/gates-warning-regression.yml');
    expect(gateDecisions(r).map((d) => [d.subject.split('/').slice(-2).join('/'), d.outcome])).toEqual([
      ['churn-models/2', 'HOLD'],
      ['ranking-models/2', 'APPROVE'],
    ]);
    expect(ops(r)).toEqual(['sns:Publish', 'sagemaker:UpdateModelPackage']);
    expect(r.actions[1]!.input.ApprovalDescription).toContain('p99_latency_ms=140 FAIL warning: > max 120');
  });

  it('a CodePipeline gate approves one execution and rejects another', async () => {
    const r = await simulate('test/scenarios/gates-codepipeline.yml');
    expect(r.actions.map((a) => [a.operation, (a.input.result as { status: string }).status])).toEqual([
      ['PutApprovalResult', 'Approved'],
      ['PutApprovalResult', 'Rejected'],
    ]);
    expect(gateDecisions(r).map((d) => d.outcome)).toEqual(['APPROVE', 'SKIPPED', 'REJECT']);
  });

  it('the demo chapter approves, rejects, holds, respects a person and answers the pipeline', async () => {
    const r = await simulate('test/scenarios/demo-gates.yml');
    expect(gateDecisions(r).map((d) => `${d.kind}:${d.outcome}`)).toEqual([
      'gate.registry:APPROVE',
      'gate.registry:APPROVE',
      'gate.registry:SKIPPED',
      'gate.registry:REJECT',
      'gate.registry:HOLD',
      'gate.registry:SKIPPED',
      'gate.registry:HOLD',
      'gate.registry:APPROVE',
      'gate.approval:APPROVE',
      'gate.approval:REJECT',
    ]);
    expect(ops(r)).toEqual([
      'sagemaker:UpdateModelPackage',
      'sagemaker:UpdateModelPackage',
      'sagemaker:UpdateModelPackage',
      'sns:Publish',
      'sns:Publish',
      'sagemaker:UpdateModelPackage',
      'codepipeline:PutApprovalResult',
      'codepipeline:PutApprovalResult',
    ]);
  });

  it('--json prints every gate scenario as the contract document', () => {
    const files = ['better-challenger', 'worse-challenger', 'missing-report', 'warning-regression', 'codepipeline'].map(
      (f) => `test/scenarios/gates-${f}.yml`,
    );
    const docs = JSON.parse(
      execFileSync('node', ['functions/cli/bin.mjs', 'simulate', ...files, '--json'], { encoding: 'utf8' }),
    ) as Array<{ scenario: string; actions: unknown[]; decisions: Array<{ kind: string; outcome: string }> }>;
    expect(
      docs.map((d) =>
        d.decisions.filter((x) => x.kind.startsWith('gate.') && x.outcome !== 'SKIPPED').map((x) => x.outcome),
      ),
    ).toEqual([['APPROVE'], ['REJECT'], ['HOLD', 'HOLD'], ['HOLD', 'APPROVE'], ['APPROVE', 'REJECT']]);
    for (const doc of docs)
      for (const action of doc.actions)
        expect(Object.keys(action as object).sort()).toEqual(['at', 'input', 'operation', 'service']);
  });
});
