import { readFileSync, readdirSync } from 'node:fs';
import { loadFixture } from '../../support/fixtures';

describe('events/samples', () => {
  // Taken from AWS documentation the shared fixtures do not cover (events/samples/README.md).
  const docsOnly = new Set([
    'sns-envelope.json',
    'stepfunctions-execution-status-change.failed.json',
    'codebuild-build-state-change.succeeded.docs-repaired.json',
  ]);
  const copies = readdirSync('events/samples').filter((f) => f.endsWith('.json') && !docsOnly.has(f));
  it.each(copies)('%s is an unchanged copy of the shared real payload', (file) => {
    expect(JSON.parse(readFileSync(`events/samples/${file}`, 'utf8'))).toEqual(loadFixture(file));
  });
});
