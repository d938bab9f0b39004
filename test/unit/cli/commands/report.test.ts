import { buildReport, until, type ReportSources } from '../../../../functions/cli/commands/report';
import type { Decision } from '../../../../functions/ports/decision-log';

const record = (at: string, subject = 'churn/0'): Decision => ({
  kind: 'retraining.batch',
  subject,
  outcome: 'CLOSED',
  reasons: ['marker arrived'],
  inputs: { objects: 1, bytes: 1 },
  at,
});

/** Sources that hand out fixed records and remember what they were asked. */
function sources(records: Decision[]) {
  const asked: string[] = [];
  const s: ReportSources = {
    fromTable: async (table, since) => {
      asked.push(`table ${table} since ${since}`);
      return records;
    },
    fromScenario: async (file, since) => {
      asked.push(`scenario ${file} since ${since}`);
      return records.map((r) => ({ ...r, subject: `${file}:${r.subject}` }));
    },
    libraries: async () => ({ vega: '', vegaLite: '', vegaEmbed: '' }),
    now: () => new Date('2026-11-23T00:00:00.000Z'),
  };
  return { s, asked };
}

describe('report command', () => {
  const previous = process.env.STATE_TABLE;
  afterEach(() => {
    if (previous === undefined) delete process.env.STATE_TABLE;
    else process.env.STATE_TABLE = previous;
  });

  it('reads the table from --since and keeps the records up to --until, inclusive', async () => {
    const { s, asked } = sources([
      record('2026-11-22T08:00:00.000Z'),
      record('2026-11-22T09:00:00Z'),
      record('2026-11-22T10:00:00.000Z'),
    ]);
    const { records, html } = await buildReport(
      { table: 'state', since: '2026-11-22T00:00:00Z', until: '2026-11-22T09:00:00.000Z' },
      s,
    );
    expect(asked).toEqual(['table state since 2026-11-22T00:00:00Z']);
    expect(records.map((r) => r.at)).toEqual(['2026-11-22T08:00:00.000Z', '2026-11-22T09:00:00Z']);
    expect(html).toContain('2 decision records from table state (2026-11-22T00:00:00Z → 2026-11-22T09:00:00.000Z)');
  });

  it('runs every scenario given, in order, and reports their records together', async () => {
    const { s, asked } = sources([record('2026-11-22T08:00:00.000Z')]);
    const { records } = await buildReport({ scenario: ['a.yml', 'b.yml'] }, s);
    expect(asked).toEqual(['scenario a.yml since undefined', 'scenario b.yml since undefined']);
    expect(records.map((r) => r.subject)).toEqual(['a.yml:churn/0', 'b.yml:churn/0']);
  });

  it.each([
    [{ table: 't', scenario: ['a.yml'] }, 'either --table or --scenario'],
    [{}, 'report needs the state table'],
    [{ table: 't', since: 'yesterday' }, '--since: "yesterday" is not an ISO time'],
    [{ table: 't', until: '22/11/2026' }, '--until: "22/11/2026" is not an ISO time'],
  ])('refuses %j, reading nothing', async (options, message) => {
    delete process.env.STATE_TABLE;
    const { s, asked } = sources([]);
    await expect(buildReport(options, s)).rejects.toThrow(message);
    expect(asked).toEqual([]);
  });

  it('compares --until as normalized ISO times', () => {
    expect(until([record('2026-11-22T09:00:00+01:00')], '2026-11-22T08:00:00Z')).toHaveLength(1);
    expect(until([record('2026-11-22T09:00:01+01:00')], '2026-11-22T08:00:00Z')).toHaveLength(0);
  });
});
