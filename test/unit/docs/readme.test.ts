import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = (path: string) => fileURLToPath(new URL(`../../../${path}`, import.meta.url));
const readme = readFileSync(root('README.md'), 'utf8');
const links = [...readme.matchAll(/\]\((docs\/[^)#\s]+)\)/g)].map((m) => m[1]!);

describe('README', () => {
  it('links every guide in docs/', () => {
    const guides = readdirSync(root('docs')).filter((f) => f.endsWith('.md'));
    expect(guides.filter((g) => !links.includes(`docs/${g}`))).toEqual([]);
  });

  it('links only guides that exist', () => {
    const guides = new Set(readdirSync(root('docs')).map((f) => `docs/${f}`));
    expect(links.filter((l) => !guides.has(l))).toEqual([]);
  });

  it('stays short: the handbook lives in docs/ (issue 16 cut an 878-line README to under 100)', () => {
    expect(readme.split('\n').length).toBeLessThanOrEqual(120);
  });

  it('shows the two commands, the deploy command and a minimal policy', () => {
    for (const command of ['npm run demo', 'npm test', 'npx osls deploy', 'version: 1', 'retraining:'])
      expect(readme).toContain(command);
  });
});
