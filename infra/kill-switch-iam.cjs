'use strict';
/**
 * A function that commits decisions (functions/adapters/aws/dynamodb/decision-log.ts) holds each
 * commit's transaction to "kill switch not paused" with a ConditionCheck on the switch's item. That
 * check is its own IAM action; it is granted on the switch's partition (pk CONTROL) only.
 */
module.exports.killSwitchCheck = {
  Sid: 'KillSwitchCheck',
  Effect: 'Allow',
  Action: ['dynamodb:ConditionCheckItem'],
  Resource: { 'Fn::GetAtt': ['StateTable', 'Arn'] },
  Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['CONTROL'] } },
};
