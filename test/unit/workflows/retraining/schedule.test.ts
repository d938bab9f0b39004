import { basePolicy, memoryHarness } from '../../../support/memory-harness';

const origin = { account: '123456789012', region: 'us-east-1' };
const nightly = (trigger: Record<string, unknown>) =>
  basePolicy({
    retraining: [
      {
        name: 'nightly',
        source: { bucket: 'data', prefix: 'in/' },
        target: { type: 'codepipeline', name: 'nightly-pipeline', batchIdVariable: 'BATCH_ID' },
        trigger: { schedule: 'cron(0 2 * * ? *)', timezone: 'Europe/Berlin', ...trigger },
      },
    ],
  });

function harness(trigger: Record<string, unknown> = {}) {
  const h = memoryHarness(nightly(trigger));
  // 2026-11-22 00:30 Berlin (UTC+1): the schedule fires at 01:00Z.
  h.clock.t = Date.parse('2026-11-21T23:30:00Z');
  const drop = (...keys: string[]) =>
    h.workflow.onObjects(
      keys.map((key) => ({ bucket: 'data', key: `in/${key}`, size: 100 })),
      origin,
      `delivery-${keys.join('-')}`,
    );
  const kinds = () => h.decisions.decisions.map((d) => `${d.kind}:${d.outcome}`);
  return { ...h, drop, kinds };
}

describe('schedule-closed batches (trigger.schedule)', () => {
  it('closes the open batch at the fire time, not before, and starts it', async () => {
    const h = harness();
    await h.workflow.sweep(); // arms the schedule
    await h.drop('a.csv', 'b.csv');
    h.clock.advance(89 * 60); // 01:59 Berlin
    await h.workflow.sweep();
    expect(h.starts()).toHaveLength(0);
    h.clock.advance(60); // 01:00:00Z = 02:00 Berlin
    await h.workflow.sweep();
    expect(h.starts()).toHaveLength(1);
    const batch = h.decisions.decisions.find((d) => d.kind === 'retraining.batch');
    expect(batch?.reasons).toEqual(['schedule cron(0 2 * * ? *) (Europe/Berlin) fired at 2026-11-22T01:00:00.000Z']);
    expect(batch?.inputs).toMatchObject({ objects: 2 });
  });

  it('acts once per fire time however many sweeps run, concurrently or later', async () => {
    const h = harness();
    await h.workflow.sweep();
    await h.drop('a.csv');
    h.clock.advance(91 * 60);
    await Promise.all([h.workflow.sweep(), h.workflow.sweep(), h.workflow.sweep()]);
    await h.workflow.sweep();
    expect(h.kinds().filter((k) => k === 'retraining.batch:CLOSED')).toHaveLength(1);
    expect(h.starts()).toHaveLength(1);
  });

  it('does not fire for a time that passed before the schedule was first evaluated', async () => {
    const h = harness();
    h.clock.t = Date.parse('2026-11-22T09:00:00Z'); // deployed after today's 02:00 Berlin
    await h.drop('a.csv');
    await h.workflow.sweep();
    await h.workflow.sweep();
    expect(h.kinds()).not.toContain('retraining.batch:CLOSED');
  });

  it('records an empty fire time and starts nothing', async () => {
    const h = harness();
    await h.workflow.sweep();
    h.clock.advance(91 * 60);
    await h.workflow.sweep();
    expect(h.starts()).toHaveLength(0);
    const empty = h.decisions.decisions.find((d) => d.kind === 'retraining.schedule');
    expect(empty).toMatchObject({
      subject: 'nightly/schedule-2026-11-22T01:00:00.000Z',
      outcome: 'EMPTY',
      reasons: [
        'schedule cron(0 2 * * ? *) (Europe/Berlin) fired at 2026-11-22T01:00:00.000Z',
        'no new data since the last batch: nothing started (trigger.startWhenEmpty is off)',
      ],
    });
  });

  it('with startWhenEmpty, retrains on the last manifest once per fire time', async () => {
    const h = harness({ startWhenEmpty: true });
    await h.workflow.sweep();
    await h.drop('a.csv');
    h.clock.advance(91 * 60);
    await h.workflow.sweep(); // night 1: batch 0 starts
    await h.workflow.onExecutionFinished(
      { type: 'codepipeline', name: 'nightly-pipeline' },
      h.decisions.decisions.find((d) => d.kind === 'retraining.start')!.inputs.executionId as string,
      'SUCCEEDED',
      'evt-1',
    );
    h.clock.advance(24 * 3600); // night 2: no new data
    await Promise.all([h.workflow.sweep(), h.workflow.sweep()]);
    expect(h.starts()).toHaveLength(2);
    const input = h.starts()[1]!.input as { variables: Array<{ name: string; value: string }> };
    expect(input.variables).toEqual(
      expect.arrayContaining([
        { name: 'MANIFEST_URI', value: 's3://manifests/m/nightly/batch-000000.json' },
        { name: 'BATCH_ID', value: 'schedule-20261123T010000Z' },
      ]),
    );
    const start = h.decisions.decisions.filter((d) => d.kind === 'retraining.start')[1];
    expect(start?.reasons[0]).toMatch(/no new data: retraining on batch 0's manifest \(trigger.startWhenEmpty\)/);
  });

  it('with startWhenEmpty and no batch ever, records why nothing started', async () => {
    const h = harness({ startWhenEmpty: true });
    await h.workflow.sweep();
    h.clock.advance(91 * 60);
    await h.workflow.sweep();
    expect(h.starts()).toHaveLength(0);
    expect(h.decisions.decisions.find((d) => d.kind === 'retraining.schedule')?.reasons[1]).toMatch(
      /none of the last 20 batches has a manifest/,
    );
  });

  it('works beside a size trigger: a full batch closes at once, the schedule takes the rest', async () => {
    const h = harness({ maxObjects: 2 });
    await h.workflow.sweep();
    await h.drop('a.csv', 'b.csv');
    expect(h.kinds()).toContain('retraining.batch:CLOSED');
    await h.drop('c.csv');
    h.clock.advance(91 * 60);
    await h.workflow.sweep();
    const closes = h.decisions.decisions.filter((d) => d.kind === 'retraining.batch');
    expect(closes.map((d) => d.reasons[0])).toEqual([
      '2 objects reached maxObjects 2',
      'schedule cron(0 2 * * ? *) (Europe/Berlin) fired at 2026-11-22T01:00:00.000Z',
    ]);
  });
});
