// JSON: exactly one object on stdout, errors included (SPEC 3).

import type { Renderer } from './renderer.js';

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

export const jsonRenderer = {
  format: 'json',
  errorsTo: 'stdout',
  check: ({ decision, plan }) => json(plan === undefined ? decision : { ...decision, plan }),
  plan: (plan) => json(plan),
  matrix: (m) => json({ matrix: m.rows }),
  // SPEC 3's keys only: the detail beside them is for the other formats.
  whatIf: (w) => json({ before: w.before, after: w.after, changes: w.changes }),
  report: (r) => json({ valid: r.valid, ...r.facts, problems: r.findings }),
  data: (value) => json(value),
  error: (problems) => {
    const first = problems[0] ?? { code: 'internal', message: 'an error without a problem' };
    const error: Record<string, unknown> = { code: first.code, message: first.message };
    if (problems.length > 1) error.problems = problems.map((p) => ({ code: p.code, message: p.message }));
    return json({ allowed: false, error });
  },
} satisfies Renderer;
