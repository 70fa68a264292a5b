// JSON: exactly one object on stdout, errors included (SPEC 3).

import type { Renderer } from './renderer.js';

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

export const jsonRenderer: Renderer = {
  format: 'json',
  errorsTo: 'stdout',
  check: ({ decision, plan }) => json(plan === undefined ? decision : { ...decision, plan }),
  plan: (plan) => json(plan),
  matrix: (rows) => json({ matrix: rows }),
  whatIf: (w) => json(w),
  report: (r) => json({ valid: r.valid, ...r.facts, problems: r.findings }),
  data: (value) => json(value),
  error: (problem, all) => {
    const error: Record<string, unknown> = { code: problem.code, message: problem.message };
    if (all.length > 1) error.problems = all.map((p) => ({ code: p.code, message: p.message }));
    return json({ allowed: false, error });
  },
};
