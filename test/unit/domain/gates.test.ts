import type { GateCheck } from '../../../functions/config/policy-gates';
import {
  clip,
  decideGate,
  evaluateCheck,
  metadataMetric,
  metricAt,
  parseS3Uri,
  summarize,
  type CheckResult,
  type CheckStatus,
  type Reading,
} from '../../../functions/domain/gates';

const check = (fields: Partial<GateCheck>): GateCheck => ({
  metric: 'auc',
  from: 'ModelQuality.Statistics',
  path: 'binary_classification_metrics.auc.value',
  severity: 'critical',
  ...fields,
});
const v = (value: number): Reading => ({ value });

describe('metricAt', () => {
  const report = {
    binary_classification_metrics: { auc: { value: 0.91, standard_deviation: 'NaN' }, f1: { value: null } },
    regression_metrics: { mse: { value: 12.5 } },
    list: [1],
  };
  it.each([
    ['binary_classification_metrics.auc.value', { value: 0.91 }],
    ['regression_metrics.mse.value', { value: 12.5 }],
    ['binary_classification_metrics.recall.value', { status: 'NODATA' }],
    ['binary_classification_metrics.f1.value', { status: 'NODATA' }],
    ['binary_classification_metrics.auc.standard_deviation', { status: 'ERROR' }],
    ['binary_classification_metrics.auc', { status: 'ERROR' }],
    ['list', { status: 'ERROR' }],
    ['binary_classification_metrics.auc.value.deeper', { status: 'NODATA' }],
    ['toString', { status: 'NODATA' }],
  ])('%s reads as %j', (path, expected) => {
    expect(metricAt(report, path)).toMatchObject(expected);
  });

  it.each([null, 'text', 42, []])('a report that is %j has no metric at a path (NODATA)', (doc) => {
    expect(metricAt(doc, 'a.b')).toMatchObject({ status: 'NODATA' });
  });
});

describe('metadataMetric', () => {
  it.each([
    ['0.91', { value: 0.91 }],
    [' 12 ', { value: 12 }],
    ['1e-3', { value: 0.001 }],
    ['-4.5', { value: -4.5 }],
    ['NaN', { status: 'ERROR' }],
    ['Infinity', { status: 'ERROR' }],
    ['1e999', { status: 'ERROR' }],
    ['0x10', { status: 'ERROR' }],
    ['', { status: 'ERROR' }],
    ['good', { status: 'ERROR' }],
  ])('the metadata value %j reads as %j', (text, expected) => {
    expect(metadataMetric({ auc: text }, 'auc')).toMatchObject(expected);
  });

  it('a key that is not set is NODATA', () => {
    expect(metadataMetric({ other: '1' }, 'auc')).toMatchObject({ status: 'NODATA', reason: 'metadata auc not set' });
  });
});

describe('evaluateCheck', () => {
  type Row = [string, Partial<GateCheck>, Reading, Reading | undefined, CheckStatus];
  const rows: Row[] = [
    ['min: above passes', { min: 0.8 }, v(0.85), undefined, 'PASS'],
    ['min: equal passes', { min: 0.8 }, v(0.8), undefined, 'PASS'],
    ['min: below fails', { min: 0.8 }, v(0.79), undefined, 'FAIL'],
    ['max: below passes', { max: 10 }, v(9), undefined, 'PASS'],
    ['max: above fails', { max: 10 }, v(10.5), undefined, 'FAIL'],
    ['min and max: inside passes', { min: 1, max: 2 }, v(1.5), undefined, 'PASS'],
    ['no value: NODATA stays NODATA', { min: 0 }, { status: 'NODATA', reason: 'x' }, undefined, 'NODATA'],
    ['unusable value: ERROR stays ERROR', { min: 0 }, { status: 'ERROR', reason: 'x' }, undefined, 'ERROR'],
    [
      'higher, degradation within allowance passes',
      { direction: 'higher', maxDegradation: 0.01 },
      v(0.835),
      v(0.84),
      'PASS',
    ],
    [
      'higher, degradation over allowance fails',
      { direction: 'higher', maxDegradation: 0.01 },
      v(0.82),
      v(0.84),
      'FAIL',
    ],
    ['higher, improvement passes', { direction: 'higher', maxDegradation: 0 }, v(0.9), v(0.84), 'PASS'],
    ['lower, mse up within allowance passes', { direction: 'lower', maxDegradation: 1 }, v(12.5), v(12), 'PASS'],
    ['lower, mse up over allowance fails', { direction: 'lower', maxDegradation: 1 }, v(13.5), v(12), 'FAIL'],
    ['lower, mse down passes', { direction: 'lower', maxDegradation: 0 }, v(11), v(12), 'PASS'],
    ['relative pct within passes', { direction: 'higher', maxDegradationPct: 5 }, v(0.96), v(1), 'PASS'],
    ['relative pct over fails', { direction: 'higher', maxDegradationPct: 5 }, v(0.94), v(1), 'FAIL'],
    [
      'relative pct on a negative champion uses its magnitude',
      { direction: 'higher', maxDegradationPct: 10 },
      v(-1.05),
      v(-1),
      'PASS',
    ],
    [
      'relative pct with a zero champion: any worsening fails',
      { direction: 'lower', maxDegradationPct: 50 },
      v(0.001),
      v(0),
      'FAIL',
    ],
    [
      'absolute and pct: both must hold',
      { direction: 'higher', maxDegradation: 0.1, maxDegradationPct: 1 },
      v(0.95),
      v(1),
      'FAIL',
    ],
    ['min improvement met passes', { direction: 'higher', minImprovement: 0.01 }, v(0.86), v(0.84), 'PASS'],
    ['min improvement missed fails', { direction: 'higher', minImprovement: 0.01 }, v(0.845), v(0.84), 'FAIL'],
    ['min improvement, lower is better', { direction: 'lower', minImprovement: 1 }, v(10), v(12), 'PASS'],
    [
      'absolute fail wins over a relative pass',
      { min: 0.9, direction: 'higher', maxDegradation: 1 },
      v(0.85),
      v(0.8),
      'FAIL',
    ],
    [
      'relative without champion: only absolute bounds apply',
      { min: 0.5, direction: 'higher', maxDegradation: 0 },
      v(0.6),
      undefined,
      'PASS',
    ],
    [
      'champion without data: NODATA',
      { direction: 'higher', maxDegradation: 0 },
      v(0.9),
      { status: 'NODATA', reason: 'gone' },
      'NODATA',
    ],
    [
      'champion with a broken report: ERROR',
      { direction: 'higher', maxDegradation: 0 },
      v(0.9),
      { status: 'ERROR', reason: 'bad json' },
      'ERROR',
    ],
    [
      'absolute-only check ignores a broken champion',
      { min: 0.5 },
      v(0.9),
      { status: 'ERROR', reason: 'bad json' },
      'PASS',
    ],
  ];
  it.each(rows)('%s', (_name, fields, challenger, champion, status) => {
    expect(evaluateCheck(check(fields), challenger, champion).status).toBe(status);
  });

  it('records the values and names the threshold in the detail', () => {
    expect(evaluateCheck(check({ direction: 'higher', maxDegradation: 0.01 }), v(0.8), v(0.84))).toEqual({
      metric: 'auc',
      severity: 'critical',
      status: 'FAIL',
      value: 0.8,
      champion: 0.84,
      detail: 'worse by 0.04 > 0.01 allowed',
    });
  });

  it('says the champion is the problem when its reading is missing', () => {
    expect(
      evaluateCheck(check({ direction: 'higher', maxDegradation: 0 }), v(0.9), {
        status: 'ERROR',
        reason: 'x is not JSON',
      }).detail,
    ).toBe('champion: x is not JSON');
  });
});

describe('decideGate: the outcome table', () => {
  const r = (severity: 'critical' | 'warning', status: CheckStatus): CheckResult => ({
    metric: `${severity}-${status}`,
    severity,
    status,
    detail: '',
  });
  const absolute = [check({ min: 0 })];
  const relative = [check({ direction: 'higher', maxDegradation: 0 })];
  const gate = (
    fields: Partial<{
      firstModel: 'approve' | 'hold';
      onMissingData: 'hold' | 'reject';
      onWarning: 'hold' | 'approve';
    }> = {},
    checks = absolute,
  ) => ({
    checks,
    firstModel: 'hold' as const,
    onMissingData: 'hold' as const,
    onWarning: 'hold' as const,
    ...fields,
  });

  const C = (status: CheckStatus) => r('critical', status);
  const W = (status: CheckStatus) => r('warning', status);
  type Row = {
    name: string;
    gate: ReturnType<typeof gate>;
    results: CheckResult[];
    champion: boolean;
    outcome: string;
    rule: string;
  };
  const rows: Row[] = [
    // row 1: any critical FAIL → REJECT, whatever else
    {
      name: 'critical FAIL',
      gate: gate(),
      results: [C('FAIL'), C('PASS')],
      champion: true,
      outcome: 'REJECT',
      rule: 'critical check failed',
    },
    {
      name: 'critical FAIL beats critical NODATA',
      gate: gate(),
      results: [C('FAIL'), C('NODATA')],
      champion: true,
      outcome: 'REJECT',
      rule: 'critical check failed',
    },
    {
      name: 'critical FAIL with onWarning approve',
      gate: gate({ onWarning: 'approve' }),
      results: [C('FAIL'), W('FAIL')],
      champion: true,
      outcome: 'REJECT',
      rule: 'critical check failed',
    },
    // row 2: critical NODATA/ERROR → onMissingData
    {
      name: 'critical NODATA, onMissingData hold',
      gate: gate(),
      results: [C('NODATA')],
      champion: true,
      outcome: 'HOLD',
      rule: 'critical check without data (onMissingData: hold)',
    },
    {
      name: 'critical ERROR, onMissingData hold',
      gate: gate(),
      results: [C('ERROR')],
      champion: true,
      outcome: 'HOLD',
      rule: 'critical check without data (onMissingData: hold)',
    },
    {
      name: 'critical NODATA, onMissingData reject',
      gate: gate({ onMissingData: 'reject' }),
      results: [C('NODATA')],
      champion: true,
      outcome: 'REJECT',
      rule: 'critical check without data (onMissingData: reject)',
    },
    {
      name: 'critical ERROR, onMissingData reject',
      gate: gate({ onMissingData: 'reject' }),
      results: [C('ERROR')],
      champion: true,
      outcome: 'REJECT',
      rule: 'critical check without data (onMissingData: reject)',
    },
    {
      name: 'critical NODATA beats a warning with onWarning approve',
      gate: gate({ onWarning: 'approve' }),
      results: [C('NODATA'), W('PASS')],
      champion: true,
      outcome: 'HOLD',
      rule: 'critical check without data (onMissingData: hold)',
    },
    // row 3: no champion for champion comparisons → firstModel
    {
      name: 'first model, firstModel hold',
      gate: gate({}, relative),
      results: [C('PASS')],
      champion: false,
      outcome: 'HOLD',
      rule: 'no champion to compare with (firstModel: hold)',
    },
    {
      name: 'first model, firstModel approve',
      gate: gate({ firstModel: 'approve' }, relative),
      results: [C('PASS')],
      champion: false,
      outcome: 'APPROVE',
      rule: 'no champion to compare with (firstModel: approve)',
    },
    {
      name: 'first model of an absolute-only gate is judged on its checks',
      gate: gate({}, absolute),
      results: [C('PASS')],
      champion: false,
      outcome: 'APPROVE',
      rule: 'every check passed',
    },
    {
      name: 'first model with a critical FAIL',
      gate: gate({ firstModel: 'approve' }, relative),
      results: [C('FAIL')],
      champion: false,
      outcome: 'REJECT',
      rule: 'critical check failed',
    },
    // row 4: warnings → onWarning
    {
      name: 'warning FAIL, onWarning hold',
      gate: gate(),
      results: [C('PASS'), W('FAIL')],
      champion: true,
      outcome: 'HOLD',
      rule: 'warning check did not pass (onWarning: hold)',
    },
    {
      name: 'warning NODATA, onWarning hold',
      gate: gate(),
      results: [C('PASS'), W('NODATA')],
      champion: true,
      outcome: 'HOLD',
      rule: 'warning check did not pass (onWarning: hold)',
    },
    {
      name: 'warning ERROR, onWarning hold',
      gate: gate(),
      results: [C('PASS'), W('ERROR')],
      champion: true,
      outcome: 'HOLD',
      rule: 'warning check did not pass (onWarning: hold)',
    },
    {
      name: 'warning FAIL, onWarning approve',
      gate: gate({ onWarning: 'approve' }),
      results: [C('PASS'), W('FAIL')],
      champion: true,
      outcome: 'APPROVE',
      rule: 'warning check did not pass (onWarning: approve)',
    },
    {
      name: 'warning NODATA, onWarning approve',
      gate: gate({ onWarning: 'approve' }),
      results: [C('PASS'), W('NODATA')],
      champion: true,
      outcome: 'APPROVE',
      rule: 'warning check did not pass (onWarning: approve)',
    },
    {
      name: 'warning ERROR, onWarning approve',
      gate: gate({ onWarning: 'approve' }),
      results: [C('PASS'), W('ERROR')],
      champion: true,
      outcome: 'APPROVE',
      rule: 'warning check did not pass (onWarning: approve)',
    },
    // row 5
    {
      name: 'every check PASS',
      gate: gate(),
      results: [C('PASS'), W('PASS')],
      champion: true,
      outcome: 'APPROVE',
      rule: 'every check passed',
    },
    { name: 'nothing evaluated', gate: gate(), results: [], champion: true, outcome: 'HOLD', rule: 'no check passed' },
  ];
  it.each(rows)('$name → $outcome', ({ gate: g, results, champion, outcome, rule }) => {
    expect(decideGate(g, results, champion)).toMatchObject({ outcome, rule });
  });
});

describe('summarize', () => {
  const results: CheckResult[] = [
    { metric: 'f1', severity: 'critical', status: 'PASS', value: 0.7, detail: '≥ min 0.6' },
    {
      metric: 'auc',
      severity: 'critical',
      status: 'FAIL',
      value: 0.8,
      champion: 0.84,
      detail: 'worse by 0.04 > 0.01 allowed',
    },
  ];
  const verdict = { outcome: 'REJECT' as const, rule: 'critical check failed', results };

  it('lists failing checks first with value, champion value, threshold and status', () => {
    expect(summarize({ name: 'churn' }, verdict, 'churn-models/1', 1024)).toBe(
      [
        'REJECT by gate churn: critical check failed. Champion: churn-models/1.',
        'auc=0.8 (champion 0.84) FAIL critical: worse by 0.04 > 0.01 allowed',
        'f1=0.7 PASS critical: ≥ min 0.6',
      ].join('\n'),
    );
  });

  it.each([1024, 512, 80])('never exceeds %i characters', (max) => {
    const many = Array.from({ length: 60 }, (_, i) => ({ ...results[1]!, metric: `metric_${i}` }));
    const text = summarize({ name: 'churn' }, { ...verdict, results: many }, 'churn-models/1', max);
    expect(text.length).toBeLessThanOrEqual(max);
    expect(text.startsWith('REJECT by gate churn')).toBe(true);
  });

  it('clip leaves short text alone and marks a cut', () => {
    expect(clip('abc', 3)).toBe('abc');
    expect(clip('abcd', 3)).toBe('ab…');
  });
});

describe('parseS3Uri', () => {
  it.each([
    ['s3://bucket/key/x.json', { bucket: 'bucket', key: 'key/x.json' }],
    ['s3://bucket/', undefined],
    ['https://bucket.s3.amazonaws.com/k', undefined],
  ])('%s → %j', (uri, expected) => {
    expect(parseS3Uri(uri)).toEqual(expected);
  });
});
