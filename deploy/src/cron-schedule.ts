import { z } from 'zod';

/**
 * A five-field cron expression as Render runs it (UTC): minute hour day-of-month month day-of-week, each
 * `*`, a number, a range, a list or a step (`*\/15`, `1-5`, `MON-FRI`).
 */
interface Field {
  name: string;
  min: number;
  max: number;
  names?: string[];
}
const months = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const weekdays = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const fields: Field[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: months },
  { name: 'day of week', min: 0, max: 7, names: weekdays },
];

/** Why the expression is wrong, or undefined when it is a valid schedule. */
export function cronProblem(expression: string): string | undefined {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5) {
    return `${JSON.stringify(expression)} has ${parts.length} fields; a cron schedule has 5 (minute hour day month weekday)`;
  }
  for (const [index, part] of parts.entries()) {
    const field = fields[index]!;
    for (const item of part.split(',')) {
      const [range, step, ...rest] = item.split('/');
      if (rest.length > 0 || (step !== undefined && !/^[1-9]\d*$/.test(step))) {
        return `${field.name}: ${JSON.stringify(item)} has a bad step`;
      }
      if (range === '*') continue;
      for (const bound of range!.split('-')) {
        const problem = boundProblem(bound, field);
        if (problem) return problem;
      }
    }
  }
  return undefined;
}

function boundProblem(bound: string, field: Field): string | undefined {
  if (/^\d+$/.test(bound)) {
    const value = Number(bound);
    return value < field.min || value > field.max
      ? `${field.name}: ${bound} is outside ${field.min}-${field.max}`
      : undefined;
  }
  if (field.names?.includes(bound.toUpperCase())) return undefined;
  return `${field.name}: ${JSON.stringify(bound)} is not a number${field.names ? ` or a name such as ${field.names[1]}` : ''}`;
}

export const cronSchedule = z.string().superRefine((expression, context) => {
  const problem = cronProblem(expression);
  if (problem) context.addIssue({ code: 'custom', message: problem });
});
