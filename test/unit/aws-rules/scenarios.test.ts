import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { simulate } from '../../../functions/cli/simulate';
import { describeViolation, validateRequest } from '../../support/aws-rules/models';

const dir = 'test/scenarios';
const scenarios = readdirSync(dir)
  .filter((f) => /\.ya?ml$/.test(f))
  // Beside the scenarios live the policies they name (a scenario is the file with `steps`).
  .filter((f) => 'steps' in (parseYaml(readFileSync(join(dir, f), 'utf8')) as object))
  .sort();

// The setup file already refuses an invalid action as it is recorded; this names every scenario
// file so none goes unrun, and re-checks what each one recorded.
describe('every scenario sends only requests the AWS service models accept', () => {
  it.each(scenarios)('%s', async (file) => {
    const r = await simulate(join(dir, file));
    const violations = r.actions.flatMap((a) => validateRequest(a.service, a.operation, a.input));
    expect(violations.map(describeViolation)).toEqual([]);
    expect(
      r.decisions.filter((d) => d.outcome === 'FAILED' && /ValidationException|service model/.test(JSON.stringify(d))),
    ).toEqual([]);
  });
});
