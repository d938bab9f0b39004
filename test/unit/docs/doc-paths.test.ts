import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exists, namedPaths, pathFolders, withoutBeforeSections } from './doc-paths';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const bases = ['', 'functions'];
const pages = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** The paths a page names, outside its "Before" sections, that name no file or folder of the tree at `at`. */
const missing = (at: string, markdown: string) =>
  namedPaths(withoutBeforeSections(markdown), pathFolders(at, bases)).filter((p) => !exists(at, bases, p));

describe('the paths the README and docs/ name exist (outside "Before" sections)', () => {
  it.each(pages)('%s names only paths that exist', (page) => {
    expect(missing(root, readFileSync(join(root, page), 'utf8'))).toEqual([]);
  });
});

describe('finding the stale paths of a page', () => {
  const tree = mkdtempSync(join(tmpdir(), 'doc-paths-'));
  mkdirSync(join(tree, 'functions', 'parsing'), { recursive: true });
  mkdirSync(join(tree, 'functions', 'config'), { recursive: true });
  mkdirSync(join(tree, 'test', 'bench'), { recursive: true });
  writeFileSync(join(tree, 'functions', 'parsing', 'approval.ts'), '');
  writeFileSync(join(tree, 'functions', 'config', 'rollback-runtime.ts'), '');

  it.each([
    ['a path from the root that exists', '`functions/parsing/approval.ts`', []],
    ['a path from functions/ that exists', 'see `parsing/approval.ts`', []],
    ['a folder that exists', '`test/bench/` holds it', []],
    ['a glob with a match', '`config/*-runtime.ts`', []],
    ['a moved file', '`functions/domain/approval-deliveries.ts`', ['functions/domain/approval-deliveries.ts']],
    ['a file gone from functions/', '`parsing/s3-deliveries.ts`', ['parsing/s3-deliveries.ts']],
    ['a glob without a match', '`config/*-hardening.ts`', ['config/*-hardening.ts']],
    ['a path in a code block', '```\nfunctions/workflows/hardening.ts\n```', ['functions/workflows/hardening.ts']],
    ['an S3 prefix or a package scope', '`churn/daily/` and `@aws-sdk/client-s3`', []],
    ['a URL', 'https://example.com/functions/gone.ts', []],
  ])('%s', (_case, markdown, stale) => {
    expect(missing(tree, markdown)).toEqual(stale);
  });

  it('leaves out a "Before" section up to the next heading of its level, and only it', () => {
    const page = [
      '## Walks',
      '### Before (commit 14226cf)',
      '`functions/workflows/hardening.ts`',
      '#### detail',
      '`functions/domain/s3-deliveries.ts`',
      '### After',
      '`functions/workflows/rollback.ts`',
    ].join('\n');
    expect(missing(tree, page)).toEqual(['functions/workflows/rollback.ts']);
  });
});
