'use strict';
/**
 * The kill switch is one state-table item (pk CONTROL, functions/adapters/aws/dynamodb/kill-switch.ts).
 * Both grants below are scoped to that partition, for roles that have no broader grant on the table.
 *
 * killSwitchCheck: a function that commits decisions (functions/adapters/aws/dynamodb/decision-log.ts)
 * holds each commit's transaction to "kill switch not paused" with a ConditionCheck on the switch's
 * item; that check is its own IAM action.
 *
 * killSwitchRead: a write no committed decision judged (the approval gate's PutApprovalResult, a
 * hook's Failed answer) is judged when it is made (functions/guardrails/guard-writes.ts `withholding`),
 * which reads the switch with GetItem.
 */
const onSwitchPartition = { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['CONTROL'] } };

module.exports.killSwitchCheck = {
  Sid: 'KillSwitchCheck',
  Effect: 'Allow',
  Action: ['dynamodb:ConditionCheckItem'],
  Resource: { 'Fn::GetAtt': ['StateTable', 'Arn'] },
  Condition: onSwitchPartition,
};

module.exports.killSwitchRead = {
  Sid: 'KillSwitchRead',
  Effect: 'Allow',
  Action: ['dynamodb:GetItem'],
  Resource: { 'Fn::GetAtt': ['StateTable', 'Arn'] },
  Condition: onSwitchPartition,
};
