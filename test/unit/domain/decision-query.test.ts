import {
  decisionMatches,
  isModelPackageArn,
  kindMatches,
  packagesTouched,
  selectDecisions,
} from '../../../functions/domain/decision-query';
import type { Decision } from '../../../functions/ports/decision-log';

const ARN = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-models/5';
const CHAMPION = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-models/2';

const d = (subject: string, at: string, extra: Partial<Decision> = {}): Decision => ({
  kind: 'k',
  subject,
  outcome: 'O',
  reasons: [],
  inputs: {},
  at,
  ...extra,
});

describe('isModelPackageArn', () => {
  it.each([
    [ARN, true],
    ['arn:aws-us-gov:sagemaker:us-gov-west-1:123456789012:model-package/m', true],
    ['arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-models/', false],
    ['arn:aws:sagemaker:us-east-1:123456789012:model-package-group/churn-models', false],
    ['arn:aws:sagemaker:us-east-1:12345:model-package/churn-models/5', false],
    ['churn/4', false],
  ])('%s → %s', (value, expected) => expect(isModelPackageArn(value)).toBe(expected));
});

describe('packagesTouched', () => {
  it.each<[string, Pick<Decision, 'subject' | 'inputs' | 'actions'>, string[]]>([
    ['the subject', { subject: ARN, inputs: {} }, [ARN]],
    ["a gate's package, not its champion", { subject: 'p/s/a@e', inputs: { package: ARN, champion: CHAMPION } }, [ARN]],
    [
      'a write call target',
      {
        subject: 'live/churn-models',
        inputs: {},
        actions: [{ service: 'sagemaker', operation: 'UpdateModelPackage', target: ARN, status: 'taken' }],
      },
      [ARN],
    ],
    [
      'nested inputs, once each',
      { subject: 'x', inputs: { found: [{ packages: [ARN, ARN, CHAMPION] }] } },
      [ARN, CHAMPION],
    ],
    ['none', { subject: 'churn/4', inputs: { objects: 3, uri: 's3://b/k' } }, []],
  ])('%s', (_, decision, expected) => expect(packagesTouched(decision)).toEqual(expected));
});

describe('decisionMatches', () => {
  const gate = { kind: 'gate.registry', outcome: 'HOLD', subject: ARN };
  it.each<[string, Parameters<typeof decisionMatches>[0], Parameters<typeof decisionMatches>[1], string[], boolean]>([
    ['no filter', {}, gate, [], true],
    ['kind family', { kind: 'gate' }, gate, [], true],
    ['exact kind', { kind: 'gate.registry' }, gate, [], true],
    ['a kind that only starts alike', { kind: 'gat' }, gate, [], false],
    ['one of the outcomes', { outcomes: ['REJECT', 'HOLD'] }, gate, [], true],
    ['none of the outcomes', { outcomes: ['REJECT'] }, gate, [], false],
    ['an empty outcome list filters nothing', { outcomes: [] }, gate, [], true],
    ['subject prefix', { subject: 'churn/' }, { ...gate, subject: 'churn/4' }, [], true],
    ['package ARN as subject', { subject: ARN }, gate, [], true],
    ['package ARN touched', { subject: ARN }, { ...gate, subject: 'p/s/a@e' }, [ARN], true],
    ['a longer ARN is not the package', { subject: ARN }, { ...gate, subject: `${ARN}0` }, [], false],
    ['every filter must hold', { kind: 'gate', outcomes: ['APPROVE'], subject: ARN }, gate, [], false],
  ])('%s', (_, query, decision, touched, expected) => expect(decisionMatches(query, decision, touched)).toBe(expected));

  it('kindMatches takes the family at a dot only', () => {
    expect([kindMatches('rollback', 'rollback.freeze'), kindMatches('rollback', 'rollbacks.x')]).toEqual([true, false]);
  });
});

describe('selectDecisions (the table query on records in memory)', () => {
  const now = new Date('2026-11-20T00:00:00Z');
  const records = [
    d('a', '2026-11-19T10:00:00Z'),
    d('b', '2026-11-12T23:59:59Z'),
    d('a', '2026-11-13T00:00:01Z'),
    d('a', '2026-11-19T10:00:00.000Z'),
    d('c', '2026-11-20T00:00:01Z'),
  ];

  it.each([
    [{}, ['2026-11-13T00:00:01Z', '2026-11-19T10:00:00Z', '2026-11-19T10:00:00.000Z']],
    [
      { until: '2026-11-21T00:00:00Z' },
      ['2026-11-13T00:00:01Z', '2026-11-19T10:00:00Z', '2026-11-19T10:00:00.000Z', '2026-11-20T00:00:01Z'],
    ],
    [{ since: '2026-11-13T00:00:00Z', until: '2026-11-19T00:00:00Z' }, ['2026-11-13T00:00:01Z']],
    [{ subject: 'b', since: '2026-11-01T00:00:00Z' }, ['2026-11-12T23:59:59Z']],
    [{ since: '2026-11-19T10:00:00Z', limit: 1 }, ['2026-11-19T10:00:00Z']],
  ])('%j selects in the window (default: 7 days before now to now), oldest first', (query, expected) => {
    expect(selectDecisions(records, query, now).map((r) => r.at)).toEqual(expected);
  });

  it.each([
    [{ since: 'yesterday' }, '--since: "yesterday" is not an ISO time'],
    [{ until: 'soon' }, '--until: "soon" is not an ISO time'],
    [
      { since: '2026-11-19T00:00:00Z', until: '2026-11-18T00:00:00Z' },
      '--until (2026-11-18T00:00:00.000Z) is before --since',
    ],
  ])('%j is a clear error', (query, message) => {
    expect(() => selectDecisions(records, query, now)).toThrow(message);
  });
});
