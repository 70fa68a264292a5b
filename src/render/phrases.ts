// The phrases every format says the same way: a cell's name and the roles a blocker needs.

/** "apply@production", or "apply@production for QT001". */
export function cellName(cell: { action: string; environment: string; target: string | null }): string {
  return `${cell.action}@${cell.environment}${cell.target === null ? '' : ` for ${cell.target}`}`;
}

/** "all of: operator, owner" or "any of: operator, owner". */
export function roleChoice(roles: readonly string[], mode: 'all' | 'any'): string {
  return `${mode === 'all' ? 'all of' : 'any of'}: ${roles.join(', ')}`;
}

/** "needs all of: operator, owner", or "no role can resolve it" when there is none. */
export function rolesNeeded(roles: readonly string[], mode: 'all' | 'any'): string {
  return roles.length === 0 ? 'no role can resolve it' : `needs ${roleChoice(roles, mode)}`;
}
