/**
 * Every step kind a scenario may use, in the order a step's kinds run. A new kind is one file
 * (simulate-step-<kind>.ts, exporting a `defineStep`) and one line here; docs/simulate.md lists them.
 */
import type { StepKind } from './simulate-step';
import { again } from './simulate-step-again';
import { alarm } from './simulate-step-alarm';
import { deploy } from './simulate-step-deploy';
import { endpoint } from './simulate-step-endpoint';
import { event } from './simulate-step-event';
import { finish } from './simulate-step-finish';
import { gate } from './simulate-step-gate';
import { hook } from './simulate-step-hook';
import { mode } from './simulate-step-mode';
import { pause } from './simulate-step-pause';
import { resume } from './simulate-step-resume';
import { stageFailed } from './simulate-step-stage-failed';
import { sweep } from './simulate-step-sweep';
import { upload } from './simulate-step-upload';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const STEP_KINDS: ReadonlyArray<StepKind<any>> = [
  pause,
  resume,
  mode,
  again,
  upload,
  event,
  finish,
  gate,
  deploy,
  alarm,
  endpoint,
  hook,
  stageFailed,
  sweep,
];
