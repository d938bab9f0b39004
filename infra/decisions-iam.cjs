'use strict';
/**
 * Statements every function role gets for explained decisions (infra/iam.cjs and gates-iam.cjs add
 * them): PutEvents on the policy's decision bus and Publish on its decision topic, each only when
 * the policy names one. The kill switch is a state-table item: roles with GetItem on the table read it
 * through that grant, the others through killSwitchRead (infra/kill-switch-iam.cjs). Powertools
 * metrics are EMF log lines (the function's own log group, already granted).
 */
const sub = (text) => ({ 'Fn::Sub': text });
const literal = (value) => value.replaceAll('${', '${!');

function busArn(bus) {
  if (bus.startsWith('arn:')) return literal(bus);
  return `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:event-bus/${literal(bus)}`;
}

function decisionStatements(policy) {
  const { eventBus, topicArn } = policy.controller.decisions;
  const statements = [];
  if (eventBus)
    statements.push({
      Sid: 'PublishDecisionEvents',
      Effect: 'Allow',
      Action: ['events:PutEvents'],
      Resource: sub(busArn(eventBus)),
    });
  if (topicArn)
    statements.push({
      Sid: 'NotifyDecisions',
      Effect: 'Allow',
      Action: ['sns:Publish'],
      Resource: topicArn,
    });
  return statements;
}

module.exports = { decisionStatements, busArn };
