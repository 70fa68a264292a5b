# Separation of duties (examples/rules/README.md): a satisfied blocker that needs n >= 2 roles
# (mode all) is denied unless its counting grants let each role be held by a different principal
# (the trust file's `principal`, SPEC 1.4). That is Hall's condition: every set of k of its roles
# has counting grants from at least k principals, so one person holding two keys of two roles
# cannot close it alone.
package blockgate.rules

import data.blockgate.view

# METADATA
# title: separation-of-duties
# description: |
#   A blocker needing several roles (mode all) must be closed by as many distinct principals as
#   it has roles: no principal may hold two of its roles.
deny contains {"id": "separation-of-duties", "message": message, "next_action": next_action} if {
	some blocker_id, grant_ids in view.satisfied
	blocker := view.blockers[blocker_id]
	blocker.mode == "all"
	count(blocker.required_roles) >= 2
	holders := {role: sod_principals_of(grant_ids, role) | some role in blocker.required_roles}
	not sod_distinct_holders(blocker.required_roles, holders)
	message := concat("", [
		"blocker ", blocker_id, " needs its ", format_int(count(blocker.required_roles), 10),
		" roles held by as many different principals, but its counting grants come from: ",
		concat("; ", [concat("", [role, ": ", concat(", ", sort(holders[role]))]) | some role in blocker.required_roles]),
	])
	next_action := concat("", [
		"have a different principal grant one of ", concat(", ", blocker.required_roles), " for ", blocker_id,
	])
}

# The principals whose counting grants give this role. A what-if grant has no key, hence no
# principal: all such grants count as one unknown principal, never as several.
sod_principals_of(grant_ids, role) := {sod_principal(view.grants[grant_id]) |
	some grant_id in grant_ids
	view.grants[grant_id].role == role
}

sod_principal(grant) := grant.principal if is_string(grant.principal)

else := "(no key: a what-if grant)"

# Hall's condition over every non-empty subset of the roles (bit i of `subset` picks role i).
sod_distinct_holders(roles, holders) if {
	every subset in numbers.range(1, bits.lsh(1, count(roles)) - 1) {
		picked := [role | some i, role in roles; bits.and(subset, bits.lsh(1, i)) != 0]
		count({principal | some role in picked; some principal in holders[role]}) >= count(picked)
	}
}
