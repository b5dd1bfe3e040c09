/**
 * The funnel drawing's geometry from the API's funnel: each step's bar proportional to how many entered
 * it (the widest step is 100%), its drop-off (dropped_off = entered − completed, CONTRACT §6) split into those
 * still in the step and those who left, and which step loses the most people (`biggest_loss_step`: exited +
 * lost before it — never a step where people are only waiting) and which working step is the slowest
 * (`slowest_working_step`: waits aside; a wait's time is shown against its configured delay instead).
 */
import type { FunnelResponse, FunnelStep } from './api.js';

export interface FunnelBar {
  step: FunnelStep;
  /** Bar width in percent of the widest step. */
  width: number;
  /** The completed part of the bar, in percent of the widest step. */
  completedWidth: number;
  dropped: number;
  /** dropped / entered × 100. */
  droppedPercent: number;
  /** Entered and ended without completing it (exited), in percent of entered. */
  leftPercent: number;
  bottleneck: boolean;
  slowest: boolean;
}

export function funnelBars(f: Pick<FunnelResponse, 'funnel_steps' | 'biggest_loss_step' | 'slowest_working_step'>): FunnelBar[] {
  const widest = Math.max(0, ...f.funnel_steps.map((s) => s.entered));
  const scale = (n: number) => (widest > 0 ? (n / widest) * 100 : 0);
  return f.funnel_steps.map((step) => ({
    step,
    width: scale(step.entered),
    completedWidth: scale(step.completed),
    dropped: step.dropped_off,
    droppedPercent: step.entered > 0 ? (step.dropped_off / step.entered) * 100 : 0,
    leftPercent: step.entered > 0 ? (step.exited / step.entered) * 100 : 0,
    bottleneck: step.step_id === f.biggest_loss_step,
    slowest: step.step_id === f.slowest_working_step,
  }));
}
