import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDecisionLog } from '../../../../functions/adapters/aws/dynamodb/decision-log';
import { encodeArrivals, MAX_ARRIVALS_BYTES, ruleRoute } from '../../../../functions/domain/arrivals';
import type { Decision } from '../../../../functions/ports/decision-log';
import type { Clock } from '../../../../functions/ports/clock';
import { awsClientConfig, createStateTable, uniqueName } from '../../../support/aws';
import { itemSize } from '../../../support/wcu-meter';

const client = new DynamoDBClient(awsClientConfig());
const table = uniqueName('decisions');
const clockAt = (iso: string): Clock => ({ now: () => new Date(iso), sleep: async () => {} });

beforeAll(() => createStateTable(client, table));
afterAll(() => client.destroy());

function decision(at: string, extra: Partial<Decision> = {}): Decision {
  return {
    kind: 'retraining.start',
    subject: `rule-${uniqueName('s')}/0`,
    outcome: 'STARTED',
    reasons: ['batch of 12 objects reached the 10-object threshold'],
    inputs: { objects: 12, bytes: 1_234_567, rule: { bucket: 'training-data', prefix: 'incoming/' } },
    at,
    ...extra,
  };
}

const dayItems = async (day: string) =>
  (
    await client.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: `DECISIONS#${day}` } },
        ConsistentRead: true,
      }),
    )
  ).Items ?? [];

describe('DynamoDecisionLog', () => {
  test('keeps a batch record whole with the largest arrivals whatif records, beside five long keys', async () => {
    const log = new DynamoDecisionLog(client, table, { clock: clockAt('2024-03-01T12:00:00.000Z') });
    const key = (i: number) =>
      `ranking/events/2024-03-01/0800/region=eu-west-1/part-${String(i).padStart(5, '0')}.jsonl`;
    // Irregular arrivals (no two alike) up to just under the arrivals' budget.
    let members = [] as { bucket: string; key: string; size: number; eventTime: string }[];
    for (let n = 1; ; n++) {
      const next = Array.from({ length: n }, (_, i) => ({
        bucket: 'acme-ml-data',
        key: key(i),
        size: 1_000_000 + i * i,
        eventTime: new Date(Date.parse('2024-03-01T08:00:00Z') + i * i * 1000).toISOString(),
      }));
      if ('omitted' in encodeArrivals(next, () => false)) break;
      members = next;
    }
    const arrivals = encodeArrivals(members, () => false);
    expect(Buffer.byteLength(JSON.stringify(arrivals))).toBeGreaterThan(MAX_ARRIVALS_BYTES - 40);
    const d = decision('2024-03-01T09:00:00.000Z', {
      kind: 'retraining.batch',
      outcome: 'CLOSED',
      reasons: [`${members.length} objects reached maxObjects ${members.length}`],
      inputs: {
        objects: members.length,
        bytes: members.reduce((sum, m) => sum + m.size, 0),
        firstKeys: members.slice(0, 5).map((m) => m.key),
        arrivals,
        route: ruleRoute({
          source: { bucket: 'acme-ml-data', prefix: 'ranking/events/', suffix: '.jsonl' },
          trigger: { maxObjects: members.length },
        } as Parameters<typeof ruleRoute>[0]),
        manifestUri: 's3://acme-ml-artifacts/mlops-controller/manifests/ranking/batch-000000.json',
      },
    });
    await log.record(d);
    const item = (await dayItems('2024-03-01')).find((i) => i.subject?.S === d.subject)!;
    expect(item.inputsTruncated).toBeUndefined();
    expect(await log.list({ since: '2024-03-01T00:00:00.000Z', subject: d.subject })).toEqual([d]);
  });

  test('records a decision in its day partition with a TTL, and lists it back', async () => {
    const log = new DynamoDecisionLog(client, table, { ttlDays: 30, clock: clockAt('2024-01-10T12:00:00.000Z') });
    const d = decision('2024-01-10T08:30:00.000Z');
    await log.record(d);

    const item = (await dayItems('2024-01-10')).find((i) => i.subject?.S === d.subject)!;
    expect(item.sk?.S).toMatch(/^2024-01-10T08:30:00\.000Z#retraining\.start#[0-9a-f]{8}$/);
    expect(item).toMatchObject({
      kind: { S: 'retraining.start' },
      outcome: { S: 'STARTED' },
      reasons: { L: [{ S: d.reasons[0] }] },
      inputs: { S: JSON.stringify(d.inputs) },
      ttl: { N: String(Date.parse(d.at) / 1000 + 30 * 86_400) },
    });
    expect(await log.list({ since: '2024-01-10T00:00:00.000Z', subject: d.subject })).toEqual([d]);
  });

  test('the same decision recorded twice is two records (distinct sort keys)', async () => {
    const log = new DynamoDecisionLog(client, table, { clock: clockAt('2024-02-01T12:00:00.000Z') });
    const d = decision('2024-02-01T09:00:00.000Z');
    await log.record(d);
    await log.record(d);
    expect(await log.list({ since: '2024-02-01T00:00:00.000Z', subject: d.subject })).toEqual([d, d]);
  });

  test('list spans days from since to today, oldest first, filtered by subject, limited', async () => {
    const log = new DynamoDecisionLog(client, table, { clock: clockAt('2024-03-05T23:00:00.000Z') });
    const subject = `rule-${uniqueName('span')}/1`;
    const days = [
      '2024-03-01T10:00:00.000Z',
      '2024-03-03T10:00:00.000Z',
      '2024-03-05T22:00:00.000Z',
      '2024-03-03T09:00:00.000Z',
    ];
    for (const at of days) await log.record(decision(at, { subject }));
    await log.record(decision('2024-03-04T10:00:00.000Z')); // another subject

    const all = await log.list({ since: '2024-03-01T00:00:00.000Z', subject });
    expect(all.map((d) => d.at)).toEqual([...days].sort());
    const fromSecond = await log.list({ since: '2024-03-03T09:30:00.000Z', subject });
    expect(fromSecond.map((d) => d.at)).toEqual(['2024-03-03T10:00:00.000Z', '2024-03-05T22:00:00.000Z']);
    expect((await log.list({ since: '2024-03-01T00:00:00.000Z', subject, limit: 2 })).map((d) => d.at)).toEqual(
      [...days].sort().slice(0, 2),
    );
    // Default window: the last 7 days; other subjects included without a filter.
    const recent = await log.list();
    expect(recent.length).toBeGreaterThanOrEqual(5);
    expect(recent.every((d) => d.at >= '2024-02-27')).toBe(true);
  });

  test('huge inputs are truncated so the item stays under 4 KB', async () => {
    const log = new DynamoDecisionLog(client, table, { clock: clockAt('2024-04-01T12:00:00.000Z') });
    const d = decision('2024-04-01T10:00:00.000Z', {
      reasons: Array.from({ length: 40 }, (_, i) => `reason ${i}: ${'é'.repeat(100)}`),
      inputs: { header: Array.from({ length: 2_000 }, (_, i) => `column_${i}`) },
    });
    await log.record(d);

    const item = (await dayItems('2024-04-01')).find((i) => i.subject?.S === d.subject)!;
    expect(itemSize(item)).toBeLessThanOrEqual(4_096);
    expect(item.inputsTruncated).toEqual({ BOOL: true });
    const [listed] = await log.list({ since: '2024-04-01T00:00:00.000Z', subject: d.subject });
    expect(listed!.inputs).toEqual({ truncated: expect.stringMatching(/^\{"header":\["column_0","column_1",/) });
    expect(listed!.reasons.length).toBeGreaterThan(0);
    expect(d.reasons.slice(0, listed!.reasons.length - 1)).toEqual(listed!.reasons.slice(0, -1));
  });

  test('a decision with many actions lists them back as valid records, the ones that did not fit counted', async () => {
    const log = new DynamoDecisionLog(client, table, { clock: clockAt('2026-11-23T12:00:00Z') });
    const actions = Array.from({ length: 80 }, (_, i) => ({
      service: 'codedeploy',
      operation: 'StopDeployment',
      target: `d-${String(i).padStart(9, '0')}`,
      status: 'withheld' as const,
      why: 'paused by alice: incident 42',
    }));
    const d = decision('2026-11-23T10:00:00.000Z', { actions });
    await log.record(d);
    const [listed] = await log.list({ subject: d.subject, since: '2026-11-23T00:00:00Z' });
    const stored = listed!.actions!;
    expect(stored.slice(0, -1)).toEqual(actions.slice(0, stored.length - 1));
    expect(stored.at(-1)).toEqual(
      expect.objectContaining({
        operation: 'More',
        target: `+${81 - stored.length} more (0 taken, ${81 - stored.length} withheld)`,
      }),
    );
    const [item] = (await dayItems('2026-11-23')).filter((it) => it.subject?.S === d.subject);
    expect(itemSize(item!)).toBeLessThanOrEqual(4_096);
  });
});
