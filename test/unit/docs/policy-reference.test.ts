import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import { policySchema } from '../../../functions/config/policy';
import { policyKeyPaths } from './policy-keys';

const reference = readFileSync(fileURLToPath(new URL('../../../docs/policy.md', import.meta.url)), 'utf8');
/** A key is documented when the page names its full path in code (`retraining[].trigger.marker`). */
const documented = (doc: string, path: string) => doc.includes(`\`${path}\``);
const undocumented = (doc: string, schema: z.ZodType) => policyKeyPaths(schema).filter((p) => !documented(doc, p));

describe('docs/policy.md documents every key of the policy schema', () => {
  it('names every key path of the schema', () => {
    expect(undocumented(reference, policySchema)).toEqual([]);
  });

  it('walks nested objects, lists, defaults, optionals and unions down to their leaves', () => {
    const schema = z.strictObject({
      top: z.string(),
      list: z
        .array(
          z.strictObject({
            inner: z.strictObject({ leaf: z.number().default(1) }).optional(),
            either: z.union([z.strictObject({ a: z.string() }), z.strictObject({ b: z.string() })]),
            kind: z.discriminatedUnion('type', [
              z.strictObject({ type: z.literal('x'), onlyX: z.string() }),
              z.strictObject({ type: z.literal('y'), onlyY: z.string() }),
            ]),
            names: z.record(z.string(), z.string()).default({}),
          }),
        )
        .default([]),
    });
    expect(policyKeyPaths(schema)).toEqual([
      'top',
      'list',
      'list[].inner',
      'list[].inner.leaf',
      'list[].either',
      'list[].either.a',
      'list[].either.b',
      'list[].kind',
      'list[].kind.type',
      'list[].kind.onlyX',
      'list[].kind.onlyY',
      'list[].names',
    ]);
  });

  it('fails naming the key a page leaves out', () => {
    const page = reference.replace(/`retraining\[\]\.trigger\.quietSeconds`/g, 'quietSeconds');
    expect(undocumented(page, policySchema)).toEqual(['retraining[].trigger.quietSeconds']);
  });

  it('finds the keys the policy schema composes from its capability files', () => {
    const paths = policyKeyPaths(policySchema);
    for (const key of [
      'controller.mode',
      'controller.decisions.topicArn',
      'gates[].checks[].from',
      'hooks[].smoke.payload',
    ])
      expect(paths).toContain(key);
  });
});
