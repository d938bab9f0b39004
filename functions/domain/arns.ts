/**
 * `arn:aws:sns:us-east-1:123456789012:topic` → the topic's region and account. The SNS record's
 * TopicArn is what Lambda vouches for; a message body's own fields are whatever the publisher wrote.
 */
export function snsTopicOrigin(arn: string | undefined): { region: string; account: string } | undefined {
  const p = arn?.split(':');
  if (!p || p.length !== 6 || p[0] !== 'arn' || p[2] !== 'sns' || !p[3] || !/^\d{12}$/.test(p[4] ?? '') || !p[5])
    return undefined;
  return { region: p[3], account: p[4]! };
}

/**
 * A model package group named by name or by ARN (`...:model-package-group/<name>`, as the policy
 * accepts) → its name, which is what package ARNs carry (`...:model-package/<name>/<version>`).
 */
export const packageGroupName = (nameOrArn: string): string => nameOrArn.slice(nameOrArn.lastIndexOf('/') + 1);
