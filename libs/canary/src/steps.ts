import { CanaryInputError } from './errors.ts';

export interface Step {
  /** As given: "1", "50%". */
  label: string;
  /** Machines on the new image once the step is done. */
  target: number;
  /** Machines this step creates (and old ones it takes out of service). */
  create: number;
}

type Parsed = { label: string; count: number } | { label: string; percent: number };

/** Each step as a count or a percentage; 0, over 100 % or not increasing is refused. */
export function parseSteps(labels: readonly string[]): Parsed[] {
  if (!labels.length) throw new CanaryInputError('--steps is empty', 'give e.g. --steps 1,50%,100%');
  const parsed = labels.map((label): Parsed => {
    const text = label.trim();
    const percent = /^(\d+(?:\.\d+)?)%$/.exec(text);
    if (percent) {
      const value = Number(percent[1]);
      if (value <= 0) throw new CanaryInputError(`step "${label}" moves no machine`, 'every step is more than 0');
      if (value > 100) throw new CanaryInputError(`step "${label}" is over 100%`, 'the last step is at most 100%');
      return { label: text, percent: value };
    }
    if (!/^\d+$/.test(text))
      throw new CanaryInputError(`step "${label}" is neither a count nor a percentage`, 'e.g. --steps 1,50%,100%');
    const count = Number(text);
    if (count === 0) throw new CanaryInputError(`step "${label}" moves no machine`, 'every step is more than 0');
    return { label: text, count };
  });
  for (let i = 1; i < parsed.length; i++) {
    const [before, now] = [parsed[i - 1]!, parsed[i]!];
    const comparable = 'count' in before === 'count' in now;
    const value = (p: Parsed) => ('count' in p ? p.count : p.percent);
    if (comparable && value(now) <= value(before))
      throw new CanaryInputError(
        `steps must increase: "${now.label}" comes after "${before.label}"`,
        'list the steps from the smallest to the largest, e.g. 1,50%,100%',
      );
  }
  return parsed;
}

/**
 * The steps for `machines` old machines: each step's target in machines, a final 100 % when the list stops
 * short of it, and steps that round to the same count merged (with 2 machines, 1 and 50 % are both 1).
 */
export function planSteps(labels: readonly string[], machines: number): Step[] {
  const steps: Step[] = [];
  for (const step of parseSteps(labels)) {
    const target = 'count' in step ? step.count : Math.ceil((step.percent * machines) / 100 - 1e-9);
    if ('count' in step && step.count > machines)
      throw new CanaryInputError(
        `step "${step.label}" asks for ${step.count} machines; the app runs ${machines}`,
        'use a percentage, or at most the machine count',
      );
    const previous = steps.at(-1)?.target ?? 0;
    if (target < previous)
      throw new CanaryInputError(
        `steps must increase: "${step.label}" is ${target} machine(s) after ${previous}`,
        'list the steps from the smallest to the largest',
      );
    if (target > previous) steps.push({ label: step.label, target, create: target - previous });
  }
  if ((steps.at(-1)?.target ?? 0) < machines)
    steps.push({ label: '100%', target: machines, create: machines - (steps.at(-1)?.target ?? 0) });
  return steps;
}
