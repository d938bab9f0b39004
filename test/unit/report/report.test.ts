import { renderReport } from '../../../functions/report/index';
import { overview } from '../../../functions/report/overview';
import { dailyCapIn, retraining } from '../../../functions/report/retraining';
import { gates, packageVersion } from '../../../functions/report/gates';
import { incidentTrigger, rollbacks } from '../../../functions/report/rollbacks';
import { escapeHtml, scriptJson } from '../../../functions/report/html';
import { reasonText } from '../../../functions/workflows/rollback/flow';
import type { Decision } from '../../../functions/ports/decision-log';

const LIBS = { vega: '/*vega*/', vegaLite: '/*vega-lite*/', vegaEmbed: '/*vega-embed*/' };
const d = (over: Partial<Decision>): Decision => ({
  kind: 'retraining.batch',
  subject: 'churn/0',
  outcome: 'CLOSED',
  reasons: [],
  inputs: {},
  at: '2026-11-22T08:00:00.000Z',
  ...over,
});

describe('report page', () => {
  it('escapes record text in the HTML and in the chart JSON, so a record cannot end a script element', () => {
    const html = renderReport([d({ subject: '<script>alert(1)</script>', reasons: ['</script><b>x'] })], {
      libraries: LIBS,
      source: 'test',
      generatedAt: '2026-11-23T00:00:00.000Z',
    });
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toContain(escapeHtml('<script>alert(1)</script>'));
    expect(scriptJson({ a: '</script>' })).toBe('{"a":"\\u003c/script>"}');
  });

  it('allows no network fetch (CSP default-src none) and inlines the libraries given', () => {
    const html = renderReport([], { libraries: LIBS, source: 'test', generatedAt: 'now' });
    expect(html).toContain("default-src 'none'");
    for (const lib of Object.values(LIBS)) expect(html).toContain(lib);
    expect(html).toContain('No decision records in this selection.');
  });
});

describe('overview', () => {
  it('counts by kind and outcome per hour, and spans withheld writes by cause', () => {
    const withheld = (at: string, why: string) =>
      d({
        at,
        kind: 'gate.registry',
        outcome: 'APPROVE',
        actions: [{ service: 'sagemaker', operation: 'UpdateModelPackage', target: 'p', status: 'withheld', why }],
      });
    const o = overview([
      d({}),
      d({ at: '2026-11-22T08:30:00.000Z' }),
      withheld('2026-11-22T09:10:00.000Z', 'paused by alice: x'),
      withheld('2026-11-22T09:50:00.000Z', 'paused by alice: x'),
      d({ at: 'not a time' }),
    ]);
    expect(o.total).toBe(5);
    expect(o.untimed).toBe(1);
    expect(o.timeline.find((t) => t.kind === 'retraining.batch')).toMatchObject({
      from: '2026-11-22T08:00:00.000Z',
      count: 2,
    });
    expect(o.periods).toEqual([
      {
        cause: 'kill switch',
        why: 'paused by alice: x',
        from: '2026-11-22T09:00:00.000Z',
        to: '2026-11-22T10:00:00.000Z',
        decisions: 2,
      },
    ]);
  });
});

describe('retraining', () => {
  it.each([
    [['guards clear (cooldown 600s, daily cap 4, exclusive true)'], 4],
    [['guards clear (cooldown 600s, daily cap none, exclusive true)'], null],
    [['no cap named'], undefined],
  ])('reads the daily cap from %j as %p', (reasons, cap) => {
    expect(dailyCapIn(reasons)).toBe(cap);
  });

  it("joins a batch's close, deferral and start, and takes the wait from the first object's time when recorded", () => {
    const [rule] = retraining([
      d({
        inputs: { objects: 3, bytes: 30, arrivals: { firstAt: '2026-11-22T07:50:00.000Z', runs: [], markers: [] } },
        reasons: ['marker arrived'],
      }),
      d({ kind: 'retraining.defer', outcome: 'DEFERRED', at: '2026-11-22T08:01:00.000Z', reasons: ['cooldown'] }),
      d({
        kind: 'retraining.start',
        outcome: 'STARTED',
        at: '2026-11-22T08:10:00.000Z',
        reasons: ['guards clear (cooldown 600s, daily cap 2, exclusive true)'],
        actions: [{ service: 'sagemaker', operation: 'StartPipelineExecution', target: 't', status: 'taken' }],
      }),
    ]).rules;
    expect(rule!.batches).toEqual([
      expect.objectContaining({
        seq: '0',
        state: 'STARTED',
        objects: 3,
        bytes: 30,
        closeReason: 'marker arrived',
        waitSeconds: 1200,
        startWrite: 'taken',
      }),
    ]);
    expect(rule!.batches[0]!.deferrals).toEqual([{ at: '2026-11-22T08:01:00.000Z', reasons: ['cooldown'] }]);
    expect(rule!.days).toEqual([{ day: '2026-11-22', started: 1, withheld: 0, cap: 2 }]);
  });

  it('leaves the wait out when the batch record has no first-object time', () => {
    const [rule] = retraining([
      d({ inputs: { objects: 1, bytes: 1 } }),
      d({ kind: 'retraining.start', outcome: 'STARTED' }),
    ]).rules;
    expect(rule!.batches[0]!.waitSeconds).toBeUndefined();
  });
});

describe('retraining: a batch number two runs used', () => {
  it('gives each closed batch its own row, the later start joining the later batch', () => {
    const model = retraining([
      d({ inputs: { objects: 500 } }),
      d({ kind: 'retraining.start', outcome: 'STARTED', at: '2026-11-22T08:01:00.000Z' }),
      d({ inputs: { objects: 3 }, at: '2026-11-22T16:16:00.000Z' }),
      d({ kind: 'retraining.start', outcome: 'STARTED', at: '2026-11-22T16:17:00.000Z' }),
    ]);
    expect(
      model.rules[0]!.batches.map((b) => [b.seq, b.objects, b.closedAt?.slice(11, 16), b.startedAt?.slice(11, 16)]),
    ).toEqual([
      ['0', 500, '08:00', '08:01'],
      ['0', 3, '16:16', '16:17'],
    ]);
  });

  it('leaves a batch whatif found still pending without a close time', () => {
    const [row] = retraining([d({ outcome: 'OPEN', inputs: { objects: 2 } })]).rules[0]!.batches;
    expect(row).toMatchObject({ state: 'OPEN', objects: 2 });
    expect(row!.closedAt).toBeUndefined();
  });
});

describe('gates', () => {
  it.each([
    ['arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-models/3', { group: 'churn-models', version: '3' }],
    ['arn:aws:sagemaker:us-east-1:123456789012:model-package-group/churn-models', undefined],
    [undefined, undefined],
  ])('reads group and version of %s', (arn, expected) => {
    expect(packageVersion(arn)).toEqual(expected);
  });

  it('keeps a check without data as no value, never as a number', () => {
    const [group] = gates([
      d({
        kind: 'gate.registry',
        outcome: 'HOLD',
        subject: 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-models/4',
        inputs: {
          checks: [{ metric: 'auc', status: 'NODATA', value: null, champion: null, threshold: { min: 0.75 } }],
        },
      }),
    ]);
    expect(group!.group).toBe('churn-models');
    expect(group!.rows[0]!.checks).toEqual([{ metric: 'auc', status: 'NODATA', min: 0.75 }]);
  });
});

describe('rollbacks', () => {
  it("reads the alarm episode from the reason the rollback flow writes (flow.ts's reasonText)", () => {
    const text = reasonText({ name: 'churn errors', since: '2026-11-22T14:02:00.000Z', via: 'eventbridge' } as never);
    expect(incidentTrigger([text])).toEqual({ trigger: 'churn errors', since: '2026-11-22T14:02:00.000Z' });
  });

  it("prefers the step's recorded trigger to its reason text", () => {
    const trigger = { via: 'eventbridge', alarm: 'b', since: '2026-11-22T15:00:00.000Z' };
    expect(incidentTrigger(['alarm a in ALARM since 2026-11-22T14:02:00.000Z'], { trigger })).toEqual({
      trigger: 'b',
      since: '2026-11-22T15:00:00.000Z',
    });
  });

  it('times alarm → first taken write, folds duplicate records, and marks a failed step', () => {
    const reason = 'alarm a in ALARM since 2026-11-22T14:00:00.000Z';
    const step = (over: Partial<Decision>) =>
      d({ kind: 'rollback.codedeploy', subject: 'live/codedeploy:app/g', reasons: [reason], ...over });
    const [incident] = rollbacks([
      step({ outcome: 'ALREADY_ROLLED_BACK', at: '2026-11-22T14:00:30.000Z' }),
      step({ outcome: 'ALREADY_ROLLED_BACK', at: '2026-11-22T14:00:30.000Z' }),
      step({
        outcome: 'STOPPED',
        at: '2026-11-22T14:01:00.000Z',
        actions: [{ service: 'codedeploy', operation: 'StopDeployment', target: 'd', status: 'taken' }],
      }),
      step({ kind: 'rollback.freeze', subject: 'live/p/Prod', outcome: 'FAILED', at: '2026-11-22T14:01:05.000Z' }),
    ]);
    expect(incident).toMatchObject({
      binding: 'live',
      trigger: 'a',
      actionSeconds: 60,
      firstActionAt: '2026-11-22T14:01:00.000Z',
    });
    expect(incident!.steps.map((s) => [s.step, s.outcome, s.state, s.times])).toEqual([
      ['codedeploy codedeploy:app/g', 'ALREADY_ROLLED_BACK', 'no write', 2],
      ['codedeploy codedeploy:app/g', 'STOPPED', 'ran', 1],
      ['freeze p/Prod', 'FAILED', 'failed', 1],
    ]);
  });
});
