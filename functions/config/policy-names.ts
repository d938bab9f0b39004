import * as z from 'zod';

/**
 * Fields that take a resource's name and fields that take its ARN. A name where an ARN goes (or the
 * reverse) is the commonest copy-paste mistake in a policy, and the services' own patterns would
 * only answer "letters, digits ...": these say which one was given and what to write instead.
 */

/**
 * The resource's name inside an ARN, as the service's own name fields take it:
 * `arn:aws:codepipeline:us-east-1:123456789012:churn-retrain` → `churn-retrain`,
 * `arn:aws:sagemaker:…:pipeline/ranking-training` → `ranking-training`,
 * `arn:aws:cloudwatch:…:alarm:churn-errors` → `churn-errors`, `arn:aws:s3:::acme-data` → `acme-data`,
 * `arn:aws:codedeploy:…:deploymentgroup:churn-app/churn-live` → `churn-live` (`churn-app` for the
 * application, `part: 'first'`).
 */
export function nameFromArn(arn: string, part: 'last' | 'first' = 'last'): string {
  const resource = arn.split(':').slice(5).join(':');
  // `alarm:name`, `application:name`, `deploymentgroup:app/group`: the type before the first ":".
  const afterType = resource.includes(':') ? resource.slice(resource.indexOf(':') + 1) : resource;
  // `pipeline/name`, `model-package-group/name`: the type before the first "/"; `app/group`: both are names.
  const segments = afterType.split('/');
  if (resource.includes(':')) return (part === 'first' ? segments[0] : segments.at(-1)) ?? afterType;
  return segments.length > 1 ? segments.slice(1).join('/') : afterType;
}

/** Why `value` is not a plain name of `what` (an ARN, an s3:// URI), with what to write; else undefined. */
export function nameProblem(what: string, value: string, part: 'last' | 'first' = 'last'): string | undefined {
  if (value.startsWith('arn:')) {
    const name = nameFromArn(value, part);
    return `${value} is an ARN: write the ${what}'s name alone${name ? ` (${name})` : ''}`;
  }
  if (/^s3:\/\//i.test(value)) {
    const [bucket = '', ...rest] = value.replace(/^s3:\/\//i, '').split('/');
    const prefix = rest.join('/');
    return (
      `${value} is an S3 URI: write the ${what}'s name alone (${bucket})` +
      (prefix ? ` and the rest as the prefix (prefix: ${prefix})` : '')
    );
  }
  return undefined;
}

/** A string field taking a plain name; the ARN/URI check runs first and stops the field's own patterns. */
export function plainName(what: string, part: 'last' | 'first' = 'last'): z.ZodString {
  return z.string({ error: 'required' }).check(
    z.superRefine((value, ctx) => {
      const problem = nameProblem(what, value, part);
      if (problem) ctx.addIssue({ code: 'custom', message: problem, input: value, continue: false });
    }),
  );
}

/**
 * S3's bucket naming rules (general purpose buckets, S3 User Guide "Bucket naming rules"): 3–63
 * characters of lowercase letters, digits, "." and "-", starting and ending with a letter or digit,
 * no "..", not an IP address.
 */
export function bucketProblem(value: string): string | undefined {
  if (value.length < 3 || value.length > 63) return 'a bucket name has 3 to 63 characters';
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(value))
    return /[A-Z_]/.test(value)
      ? `a bucket name has no uppercase letters or "_" (write ${value.toLowerCase().replaceAll('_', '-')} if that is the bucket)`
      : 'a bucket name has lowercase letters, digits, "." and "-" only, starting and ending with a letter or digit';
  if (value.includes('..')) return 'a bucket name has no two adjacent "."';
  if (/^\d+\.\d+\.\d+\.\d+$/.test(value)) return 'a bucket name is not an IP address';
  return undefined;
}

/** The name checks only: S3's naming rules are warnings (policy-warnings.ts), tests and simulations use short names. */
export const bucketName = plainName('bucket');

/** Why `value` is not an S3 key prefix as events carry keys (no leading "/", no URI); else undefined. */
export function prefixProblem(value: string): string | undefined {
  if (/^s3:\/\//i.test(value)) {
    const [bucket = '', ...rest] = value.replace(/^s3:\/\//i, '').split('/');
    return `${value} is an S3 URI: write the bucket as bucket (${bucket}) and the key prefix alone (prefix: ${rest.join('/')})`;
  }
  if (value.startsWith('/'))
    return `starts with "/", but S3 keys in events do not, so nothing would match: write prefix: ${value.replace(/^\/+/, '')}`;
  return undefined;
}

export const keyPrefix = z.string({ error: 'must be a string' }).check(
  z.superRefine((value, ctx) => {
    const problem = prefixProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, input: value });
  }),
);

/**
 * An SNS topic ARN; a bare name is told what to write. `<region>` and `<account>` are filled in
 * from the policy's controller by validatePolicy when it lists them.
 */
export const snsTopicArn = (pattern = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/) =>
  z.string({ error: 'required' }).check(
    z.superRefine((value, ctx) => {
      const message = value.startsWith('arn:')
        ? pattern.test(value)
          ? undefined
          : 'must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<topic name>)'
        : `${value} is a name: write the topic's ARN (arn:aws:sns:<region>:<account>:${value})`;
      if (message) ctx.addIssue({ code: 'custom', message, input: value });
    }),
  );
