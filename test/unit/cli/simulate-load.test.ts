import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { parseScenarioText, ScenarioError } from '../../../functions/cli/simulate-load';
import { simulate } from '../../../functions/cli/simulate';

const POLICY = join(process.cwd(), 'controller.yml');

/** The problems a scenario text is refused with. */
function problems(text: string): string[] {
  try {
    parseScenarioText('s.yml', text);
  } catch (error) {
    if (error instanceof ScenarioError) return error.problems;
    throw error;
  }
  throw new Error('the scenario was accepted');
}

const scenario = (steps: string, extra = '') => `name: t\npolicy: ${POLICY}\n${extra}steps:\n${steps}`;

describe('scenario schema', () => {
  it('says "scenario is invalid" and gives each problem with its path (policy style) and line:column', () => {
    const text = scenario('  - say: hi\n  - upload: { key: a.csv }\n    repeat: 0\n');
    expect(() => parseScenarioText('s.yml', text)).toThrow(
      /^scenario is invalid:\n {2}s\.yml:5:13 steps\[1\]\.upload\.bucket: required/,
    );
    expect(problems(text)).toEqual([
      's.yml:5:13 steps[1].upload.bucket: required',
      's.yml:6:13 steps[1].repeat: Too small: expected number to be >0',
    ]);
  });

  it('points an unknown key at the key itself, in world and in steps', () => {
    const text = scenario('  - say: hi\n    uplod: { bucket: b, key: k }\n', 'world:\n  pipeline: []\n');
    expect(problems(text)).toEqual(['s.yml:4:3 world.pipeline: unknown key', 's.yml:7:5 steps[0].uplod: unknown key']);
  });

  it('names the missing top-level keys at the document start', () => {
    expect(problems('steps:\n  - say: hi\n')).toEqual(['s.yml:1:1 name: required', 's.yml:1:1 policy: required']);
  });

  it('refuses a step time before the start, and a time that is no time, at the step', () => {
    const text = scenario('  - at: 2026-11-22T07:59:00Z\n  - at: soon\n  - at: +5m\n', 'start: 2026-11-22T08:00:00Z\n');
    expect(problems(text)).toEqual([
      "s.yml:5:9 steps[0].at: 2026-11-22T07:59:00Z is before the scenario's start (2026-11-22T08:00:00.000Z)",
      's.yml:6:9 steps[1].at: "soon" is neither +<n>[smhd] (+15m) nor an ISO time',
    ]);
  });

  it('accepts absolute and relative times from the start on', () => {
    const parsed = parseScenarioText(
      's.yml',
      scenario('  - at: 2026-11-22T08:00:00Z\n  - at: +1d\n', 'start: 2026-11-22T08:00:00Z\n'),
    );
    expect(parsed.steps.map((s) => s.at)).toEqual(['2026-11-22T08:00:00Z', '+1d']);
  });

  it('names a `to:` that is not a function of serverless.yml, with the choices', () => {
    expect(problems(scenario('  - say: hi\n    to: approvalgate\n'))).toEqual([
      expect.stringMatching(
        /^s\.yml:5:9 steps\[0\]\.to: Invalid option: expected one of "dataArrived"\|.*"approvalGate"/,
      ),
    ]);
  });

  it('refuses a deploy step with neither or both targets', () => {
    expect(problems(scenario('  - deploy: { package: { group: g, version: 1 } }\n'))).toEqual([
      's.yml:4:13 steps[0].deploy: needs exactly one of codedeploy or endpoint',
    ]);
  });
});

describe('files that do not parse', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sim-load-'));
  const cli = (file: string) => spawnSync('node', ['functions/cli/bin.mjs', 'simulate', file], { encoding: 'utf8' });

  it('a scenario that is not YAML is one line naming the file, line and column: no stack trace', () => {
    const file = join(dir, 'broken.yml');
    writeFileSync(file, `name: t\npolicy: ${POLICY}\nsteps:\n  - upload: { bucket: b, key: [a\n`);
    const run = cli(file);
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        new RegExp(`^error: ${relative(process.cwd(), file)}:\\d+:\\d+: not valid YAML/JSON: Flow sequence`),
      ),
    ]);
  });

  it('an event file that is not JSON is one line naming it with line and column', async () => {
    const event = join(dir, 'event.json');
    writeFileSync(event, '{\n  "source": "aws.s3",\n  "detail": {,}\n}\n');
    const file = join(dir, 'uses-event.yml');
    writeFileSync(file, scenario(`  - event: ${event}\n`));
    await expect(simulate(file)).rejects.toThrow(
      new RegExp(`^${relative(process.cwd(), event)}:3:14: not valid JSON: `),
    );
    const run = cli(file);
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });
});
