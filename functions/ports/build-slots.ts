import type { SlotHolders } from '../domain/build-slots';

export interface SlotState {
  /** Bumped on every change: swaps are conditional on it (0: never written). */
  version: number;
  holders: SlotHolders;
}

/**
 * The account-wide CodeBuild slots (domain/build-slots.ts) as one item: a claim or a release is
 * one write conditional on the version read, so concurrent starts cannot both take the last slot.
 */
export interface BuildSlots {
  read(): Promise<SlotState>;
  /** Replaces the holders if the version is still `expected.version`; false otherwise. */
  swap(expected: SlotState, holders: SlotHolders): Promise<boolean>;
}
