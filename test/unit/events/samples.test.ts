import { readFileSync, readdirSync } from 'node:fs';
import { loadFixture } from '../../support/fixtures';

describe('events/samples', () => {
  const copies = readdirSync('events/samples').filter((f) => f.endsWith('.json') && f !== 'sns-envelope.json');
  it.each(copies)('%s is an unchanged copy of the shared real payload', (file) => {
    expect(JSON.parse(readFileSync(`events/samples/${file}`, 'utf8'))).toEqual(loadFixture(file));
  });
});
