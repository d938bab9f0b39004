import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stepFields, worldSchema } from '../../../functions/cli/simulate-schema';
import { STEP_KINDS } from '../../../functions/cli/simulate-steps';
import { simulate } from '../../../functions/cli/simulate';

const doc = readFileSync('docs/simulate.md', 'utf8');
/** The first cells of the markdown table rows: `| \`key\` | ...`. */
const documented = new Set([...doc.matchAll(/^\| `([A-Za-z]+)` \|/gm)].map((m) => m[1]));

describe('docs/simulate.md documents the scenario schema', () => {
  it.each(Object.keys(worldSchema.unwrap().shape))('world key %s has a row', (key) => {
    expect(documented).toContain(key);
  });

  it.each(Object.keys(stepFields))('step field %s has a row', (key) => {
    expect(documented).toContain(key);
  });

  it.each(STEP_KINDS.map((k) => k.key))('step kind %s has a row', (key) => {
    expect(documented).toContain(key);
  });

  it('the example scenario runs as written', async () => {
    const example = /## Example\n\n```yaml\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(example).toBeDefined();
    // Its paths are relative to test/scenarios/, where scenarios live.
    const file = join(mkdtempSync(join(tmpdir(), 'sim-doc-')), 'example.yml');
    writeFileSync(file, example!.replace(/\.\.\/\.\.\//g, `${process.cwd()}/`));
    const r = await simulate(file);
    expect(r.decisions.map((d) => d.kind)).toContain('retraining.quarantine');
    expect(r.decisions.filter((d) => d.kind === 'retraining.ignore').length).toBeGreaterThanOrEqual(2);
  });
});
