import * as z from 'zod/mini';
import { en } from 'zod/locales';

// zod/mini installs no locale, so every issue would read "Invalid input". The English locale is what
// classic zod installs on import (~3 KB per bundle). Named import: `z.locales.en` keeps every locale
// (+260 KB). Set here, in the module callers format issues through, so every message they log or
// record is English.
z.config(en());

/** `detail.bucket.name: Invalid input: expected object, received undefined`; `root` names an empty path. */
export function describeIssue(issue: z.core.$ZodIssue, root = '(root)'): string {
  return `${issue.path.map(String).join('.') || root}: ${issue.message}`;
}

/** Every issue of a failed parse (or the first `limit`), `; `-joined. */
export function describeIssues(error: z.core.$ZodError, options: { root?: string; limit?: number } = {}): string {
  return error.issues
    .slice(0, options.limit)
    .map((issue) => describeIssue(issue, options.root))
    .join('; ');
}
