# Blockers: which apply, which are directly satisfied, and which are satisfied (SPEC 2.2, 2.3).
package blockgate

request_tags contains tag if some tag in data.world.catalog.actions[input.action].tags

request_tags contains tag if some tag in data.world.catalog.environments[input.environment].tags

request_known if {
	data.world.catalog.actions[input.action]
	data.world.catalog.environments[input.environment]
	is_number(input.at)
}

# SPEC 2.2: tags intersect and the maps do not declare it resolved.
blocker_applies contains blocker_id if {
	some tag in request_tags
	some blocker_id in data.world.blockers_by_tag[tag]
	not data.world.resolved[blocker_id]
}

# Applicable blockers and the existing prerequisites of those: all a decision looks at.
relevant_blockers contains blocker_id if some blocker_id in blocker_applies

relevant_blockers contains prerequisite_id if {
	some blocker_id in blocker_applies
	some prerequisite_id in data.world.blockers[blocker_id].after
	data.world.blockers[prerequisite_id]
}

# Per relevant blocker, the earliest issued_at of a qualifying grant, per role that has one.
first_qualifying[blocker_id] := {role: min(times) |
	some role in blocker.roles
	times := [data.world.grants[grant_id].issued_at |
		# regal ignore:mixed-iteration
		some grant_id in data.world.grants_by_blocker[blocker_id]
		data.world.grants[grant_id].role == role
		grant_qualifies(grant_id, blocker)
	]
	count(times) > 0
} if {
	some blocker_id in relevant_blockers
	blocker := data.world.blockers[blocker_id]
}

roles_met(blocker, roles) if {
	blocker.mode == "all"
	every role in blocker.roles {
		role in roles
	}
}

roles_met(blocker, roles) if {
	blocker.mode == "any"
	some role in blocker.roles
	role in roles
}

resolvable(blocker) if not blocker.problem

# SPEC 2.3: direct satisfaction ignores `after`; a map may declare a blocker resolved.
directly_satisfied contains blocker_id if {
	some blocker_id in relevant_blockers
	data.world.resolved[blocker_id]
}

directly_satisfied contains blocker_id if {
	some blocker_id in relevant_blockers
	blocker := data.world.blockers[blocker_id]
	resolvable(blocker)
	roles_met(blocker, object.keys(first_qualifying[blocker_id]))
}

# direct_time: mode all, the latest of the roles' earliest grants; mode any, the earliest.
direct_time[blocker_id] := direct if {
	some blocker_id in directly_satisfied
	not data.world.resolved[blocker_id]
	times := [t | some t in first_qualifying[blocker_id]]
	direct := direct_time_of(data.world.blockers[blocker_id].mode, times)
}

direct_time_of("all", times) := max(times)

direct_time_of("any", times) := min(times)

prerequisites_met(blocker) if {
	every prerequisite_id in blocker.after {
		directly_satisfied[prerequisite_id]
	}
}

# T(b): grants for b count only from the latest direct time of its prerequisites on.
prerequisite_time[blocker_id] := max(times) if {
	some blocker_id in blocker_applies
	blocker := data.world.blockers[blocker_id]
	prerequisites_met(blocker)
	times := [t | some prerequisite_id in blocker.after; t := direct_time[prerequisite_id]]
	count(times) > 0
}

issued_in_time(_, blocker_id) if not prerequisite_time[blocker_id]

issued_in_time(grant_id, blocker_id) if {
	data.world.grants[grant_id].issued_at >= prerequisite_time[blocker_id]
}

grant_counts(grant_id, blocker) if {
	grant_qualifies(grant_id, blocker)
	issued_in_time(grant_id, blocker.id)
}

# The grants that count for each applicable blocker.
counting_grants[blocker_id] := {grant_id |
	# regal ignore:mixed-iteration
	some grant_id in data.world.grants_by_blocker[blocker_id]
	grant_counts(grant_id, blocker)
} if {
	some blocker_id in blocker_applies
	blocker := data.world.blockers[blocker_id]
}

counting_roles[blocker_id] := {data.world.grants[grant_id].role | some grant_id in grants} if {
	some blocker_id, grants in counting_grants
}

blocker_satisfied contains blocker_id if {
	some blocker_id in blocker_applies
	blocker := data.world.blockers[blocker_id]
	resolvable(blocker)
	prerequisites_met(blocker)
	roles_met(blocker, counting_roles[blocker_id])
}

blocker_denied := blocker_applies - blocker_satisfied
