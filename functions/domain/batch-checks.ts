import { MAX_OBJECT_BYTES } from './batching';
import type { SchemaFinding, SchemaRule } from './schema-check';

/** At most this many offending objects are named in a quarantine reason; the rest are counted. */
const NAMED_PROBLEMS = 5;

/** Why an announced object size cannot be a real object's, or undefined when it can. */
export function implausibleSize(size: number): string | undefined {
  if (Number.isSafeInteger(size) && size >= 0 && size <= MAX_OBJECT_BYTES) return undefined;
  return `size ${size} is not a plausible object size`;
}

/**
 * The quarantine reasons of a batch from its objects' schema findings (in batch order): one line per
 * offending object, the first few named, the rest counted. Unexpected columns only count where the
 * rule does not allow extra ones. No line: the batch's schema holds.
 */
export function schemaProblems(
  schema: Pick<SchemaRule, 'allowExtra'>,
  findings: ReadonlyArray<{ key: string; finding: SchemaFinding }>,
): string[] {
  const bad = findings.filter((f) => !f.finding.ok);
  const lines = bad.slice(0, NAMED_PROBLEMS).map(({ key, finding }) => {
    if (finding.unreadable) return `${key}: ${finding.unreadable}`;
    const parts = [];
    if (finding.missing.length) parts.push(`missing columns ${finding.missing.join(', ')}`);
    if (finding.extra.length && !schema.allowExtra) parts.push(`unexpected columns ${finding.extra.join(', ')}`);
    return `${key}: ${parts.join('; ')}`;
  });
  if (bad.length > lines.length) lines.push(`…and ${bad.length - lines.length} more objects`);
  return lines;
}
