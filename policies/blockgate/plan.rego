# The smallest set of new grants that would allow the request (SPEC 2.5).
#
# New grants are issued at input.at, for exactly the request's action, environment and target.
# A prerequisite closed by the plan gets direct time input.at, so the blockers after it then
# need grants issued at input.at or later: the plan adds those too.
package blockgate

import data.blockgate.cover

# METADATA
# title: plan
# description: |
#   For the request in input, the grants that would allow it (one per role) and the blockers
#   no grant can close (a rule's denial among them, reason rule: SPEC 6); `rule_problems` as in
#   the decision.
# entrypoint: true
plan := plan_made if count(rule_problems) == 0

else := object.union(plan_made, {"rule_problems": rule_problems})

plan_made := {
	"allowed": allowed,
	"grants_needed": [planned_grant(role) | some role in sort(plan_roles)],
	"unresolvable": [{"blocker_id": blocker_id, "reason": object.get(unresolvable_reason, blocker_id, "rule")} |
		some blocker_id in sort(object.keys(unresolvable_reason) | rule_unresolvable)
	],
}

unresolvable_reason[blocker_id] := reason if {
	some blocker_id in blocker_denied
	reason := unresolvable_because(data.world.blockers[blocker_id])
}

# No grant closes a rule's denial (reason rule). An id that is also a blocker's is a conflict
# (rule_problems), listed once, as the blocker's.
rule_unresolvable := {blocker_id | some blocker_id in rule_denial_ids; not data.world.blockers[blocker_id]}

unresolvable_because(blocker) := problem if {
	problem := blocker.problem
} else := "unknown-prerequisite" if {
	some prerequisite_id in blocker.after
	not data.world.blockers[prerequisite_id]
} else := "prerequisite-unresolvable" if {
	some prerequisite_id in blocker.after
	not directly_satisfied[prerequisite_id]
	data.world.blockers[prerequisite_id].problem
}

plannable contains blocker_id if {
	some blocker_id in blocker_denied
	not unresolvable_reason[blocker_id]
}

prerequisite_to_close contains prerequisite_id if {
	some blocker_id in plannable
	some prerequisite_id in data.world.blockers[blocker_id].after
	not directly_satisfied[prerequisite_id]
}

# A prerequisite's direct time once the plan is applied.
planned_direct_time(prerequisite_id) := input.at if not directly_satisfied[prerequisite_id]

planned_direct_time(prerequisite_id) := direct_time[prerequisite_id]

planned_prerequisite_time[blocker_id] := max(times) if {
	some blocker_id in plannable
	times := [t | some prerequisite_id in data.world.blockers[blocker_id].after; t := planned_direct_time(prerequisite_id)]
	count(times) > 0
}

# An existing grant of this role would still count for the blocker once the plan is applied.
counts_after_plan(blocker_id, role) if {
	blocker := data.world.blockers[blocker_id]
	some grant_id in data.world.grants_by_blocker[blocker_id]
	data.world.grants[grant_id].role == role
	grant_qualifies(grant_id, blocker)
	issued_from_planned_time(data.world.grants[grant_id], blocker_id)
}

issued_from_planned_time(_, blocker_id) if not planned_prerequisite_time[blocker_id]

issued_from_planned_time(grant, blocker_id) if grant.issued_at >= planned_prerequisite_time[blocker_id]

# [blocker, role]: this role must close this blocker (mode all).
role_must_close contains [blocker_id, role] if {
	some blocker_id in plannable
	blocker := data.world.blockers[blocker_id]
	blocker.mode == "all"
	some role in blocker.roles
	not counts_after_plan(blocker_id, role)
}

role_must_close contains [prerequisite_id, role] if {
	some prerequisite_id in prerequisite_to_close
	blocker := data.world.blockers[prerequisite_id]
	blocker.mode == "all"
	some role in blocker.roles
	not first_qualifying[prerequisite_id][role]
}

# blocker -> roles: one of these roles must close it (mode any).
one_role_must_close[blocker_id] := {role | some role in blocker.roles} if {
	some blocker_id in plannable
	blocker := data.world.blockers[blocker_id]
	blocker.mode == "any"
	not any_role_counts_after_plan(blocker)
}

one_role_must_close[prerequisite_id] := {role | some role in blocker.roles} if {
	some prerequisite_id in prerequisite_to_close
	blocker := data.world.blockers[prerequisite_id]
	blocker.mode == "any"
}

any_role_counts_after_plan(blocker) if {
	some role in blocker.roles
	counts_after_plan(blocker.id, role)
}

required_plan_roles := {role | some [_, role] in role_must_close}

# Choices that the required roles do not already settle.
open_choices := {roles |
	some roles in one_role_must_close
	count(roles & required_plan_roles) == 0
}

# SPEC 2.5: with mode any, the fewest roles (ties: alphabetical) that settle every open choice.
chosen_roles := cover.smallest(open_choices)

plan_roles := required_plan_roles | chosen_roles

# Each one-of blocker goes to the alphabetically first planned role that may close it.
blockers_closed_by(role) := {blocker_id | some [blocker_id, r] in role_must_close; r == role} | {blocker_id |
	some blocker_id, roles in one_role_must_close
	sort(roles & plan_roles)[0] == role
}

planned_grant(role) := {
	"role": role,
	"action": input.action,
	"environment": input.environment,
	"target": object.get(input, "target", null),
	"resolves": sort(resolves),
	"evidence_required": count({id | some id in resolves; data.world.blockers[id].evidence_required}) > 0,
} if resolves := blockers_closed_by(role)
