import { simulate } from '../../../functions/cli/simulate';

describe('simulate: schedule-closed batches and a failed run explained (test/scenarios/retraining-schedule.yml)', () => {
  let r: Awaited<ReturnType<typeof simulate>>;
  beforeAll(async () => {
    r = await simulate('test/scenarios/retraining-schedule.yml');
  });
  const of = (kind: string) => r.decisions.filter((d) => d.kind === kind);

  it('closes the churn batch at 02:00 Berlin (01:00Z), not before, and starts it once', () => {
    const churn = of('retraining.batch').filter((d) => d.subject.startsWith('churn-nightly/'));
    expect(churn).toEqual([
      expect.objectContaining({
        subject: 'churn-nightly/0',
        outcome: 'CLOSED',
        reasons: ['schedule cron(0 2 * * ? *) (Europe/Berlin) fired at 2026-11-22T01:00:00.000Z'],
      }),
    ]);
    const starts = r.actions.filter((a) => a.service === 'codepipeline' && a.operation === 'StartPipelineExecution');
    expect(starts).toHaveLength(1);
  });

  it('explains the failed churn run: the failed action, its message, the cause and a hint', () => {
    expect(of('retraining.failure')).toEqual([
      expect.objectContaining({
        subject: 'churn-nightly/0',
        outcome: 'FAILED',
        reasons: [
          expect.stringMatching(
            /failed at stage Train, action TrainModel: Build terminated .* exit status 137\. Likely cause: out of memory; /,
          ),
        ],
      }),
    ]);
  });

  it("retrains ranking at 03:00 UTC on batch 0's manifest when no new data came (startWhenEmpty)", () => {
    const scheduled = of('retraining.start').find((d) => d.subject === 'ranking/schedule-20261122T030000Z');
    expect(scheduled?.reasons[0]).toBe(
      "schedule cron(0 3 * * ? *) (UTC) fired at 2026-11-22T03:00:00.000Z; no new data: retraining on batch 0's manifest (trigger.startWhenEmpty)",
    );
    const sageMakerStarts = r.actions.filter(
      (a) => a.service === 'sagemaker' && a.operation === 'StartPipelineExecution',
    );
    expect(sageMakerStarts.map((a) => a.input.PipelineParameters)).toEqual([
      [{ Name: 'ManifestUri', Value: 's3://acme-ml-manifests/mlops-controller/manifests/ranking/batch-000000.json' }],
      [{ Name: 'ManifestUri', Value: 's3://acme-ml-manifests/mlops-controller/manifests/ranking/batch-000000.json' }],
    ]);
  });

  it('records the next night as an empty fire time and starts nothing', () => {
    expect(of('retraining.schedule')).toEqual([
      expect.objectContaining({ subject: 'churn-nightly/schedule-2026-11-23T01:00:00.000Z', outcome: 'EMPTY' }),
    ]);
    expect(r.actions.filter((a) => a.operation === 'StartPipelineExecution')).toHaveLength(3);
  });
});
