# The smallest set of new grants that would allow the request (SPEC 2.5).
#
# New grants are issued at input.at, for exactly the request's action, environment and target.
# A prerequisite closed by the plan gets direct time input.at, so the blockers after it then
# need grants issued at input.at or later: the plan adds those too.
package blockgate

# METADATA
# title: plan
# description: |
#   For the request in input, the grants that would allow it (one per role) and the blockers
#   no grant can close.
# entrypoint: true
plan := {
	"allowed": allowed,
	"grants_needed": [planned_grant(role) | some role in sort(plan_roles)],
	"unresolvable": [{"blocker_id": blocker_id, "reason": unresolvable_reason[blocker_id]} |
		some blocker_id in sort(object.keys(unresolvable_reason))
	],
}

unresolvable_reason[blocker_id] := reason if {
	some blocker_id in blocker_denied
	reason := unresolvable_because(data.world.blockers[blocker_id])
}

unresolvable_because(blocker) := blocker.problem if {
	blocker.problem
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

choice_candidates := sort({role | some roles in open_choices; some role in roles})

# The open choices a role would settle.
choices_settled_by(role) := {roles | some roles in open_choices; role in roles}

# A role is dominated when another settles every choice it settles (and, if they settle the
# same ones, comes first alphabetically): some smallest cover never needs it.
dominated(role) if {
	some other in choice_candidates
	other != role
	mine := choices_settled_by(role)
	theirs := choices_settled_by(other)
	count(mine - theirs) == 0
	not equally_settled_and_first(role, other, mine, theirs)
}

equally_settled_and_first(role, other, mine, theirs) if {
	mine == theirs
	role < other
}

# An exhaustive search over 2^n subsets is exact, ties included, for up to this many roles.
max_exhaustive_candidates := 12

# Beyond the limit, dominated roles are left out first: still a smallest cover, though a tie
# may then resolve to a different, equally small set.
search_candidates := choice_candidates if {
	count(choice_candidates) <= max_exhaustive_candidates
} else := sort({role | some role in choice_candidates; not dominated(role)})

chosen_roles := set() if {
	count(open_choices) == 0
} else := {role | some role in min(cover_options)[1]} if {
	count(search_candidates) <= max_exhaustive_candidates
} else := {role | some role in min(small_covers)[1]} if {
	count(small_covers) > 0
} else := greedy_cover

covers_every_choice(subset) if {
	every roles in open_choices {
		count(roles & subset) > 0
	}
}

# Every subset of the candidates that meets every open choice, as [size, sorted roles]:
# the least such pair is the smallest cover, ties broken alphabetically.
cover_options contains [count(subset), sort(subset)] if {
	n := count(search_candidates)
	n <= max_exhaustive_candidates
	some mask in numbers.range(1, bits.lsh(1, n) - 1)
	subset := {search_candidates[i] | some i in numbers.range(0, n - 1); bits.and(mask, bits.lsh(1, i)) != 0}
	covers_every_choice(subset)
}

# Beyond the exhaustive limit, covers of up to four roles are still searched in full (indices in
# increasing order, so each subset once and already sorted); a smallest cover of five or more
# among more than twelve undominated roles falls to the greedy choice.
beyond_exhaustive if count(search_candidates) > max_exhaustive_candidates

small_covers contains [1, [a]] if {
	beyond_exhaustive
	some a in search_candidates
	covers_every_choice({a})
}

small_covers contains [2, [a, b]] if {
	beyond_exhaustive
	some i, a in search_candidates
	some j, b in search_candidates
	i < j
	covers_every_choice({a, b})
}

small_covers contains [3, [a, b, c]] if {
	beyond_exhaustive
	some i, a in search_candidates
	some j, b in search_candidates
	i < j
	some k, c in search_candidates
	j < k
	covers_every_choice({a, b, c})
}

small_covers contains [4, [a, b, c, d]] if {
	beyond_exhaustive
	some i, a in search_candidates
	some j, b in search_candidates
	i < j
	some k, c in search_candidates
	j < k
	some l, d in search_candidates
	k < l
	covers_every_choice({a, b, c, d})
}

# Last resort: every choice settled, not always by the fewest roles.
greedy_cover := {sort(roles)[0] | some roles in open_choices}

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
