/**
 * What decision-events-sink.ts and decision-notifier-sink.ts resolve to in a bundle whose policy
 * names no decision bus or topic (infra/esbuild-plugins.cjs): no sink, and no SDK client for it.
 * The bundle only ever runs the policy it was built with, so a sink named here means the bundle and
 * its policy disagree: fail loudly rather than drop the decisions' events or notices.
 */
import { ControllerError } from '../../domain/errors';
import type { DecisionEvents } from '../../ports/decision-events';
import type { Notifier } from '../../ports/notifier';

function none(key: string, value: string | undefined): undefined {
  if (value)
    throw new ControllerError(
      `controller.decisions.${key} is ${value}, but this function was packaged for a policy without one: package it again`,
    );
  return undefined;
}

export const decisionEvents = (eventBus: string | undefined): DecisionEvents | undefined => none('eventBus', eventBus);
export const decisionNotifier = (topicArn: string | undefined): Notifier | undefined => none('topicArn', topicArn);
