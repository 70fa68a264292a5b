# SPEC 2.2 and 2.3: the request's tags, applicable blockers, direct satisfaction, direct time,
# prerequisites and counting grants.
package blockgate_test

import data.blockgate

# --- request ---------------------------------------------------------------------------------

test_request_tags_are_the_actions_and_the_environments if {
	blockgate.request_tags == {"apply", "production"} with data.world as world([], [], []) with input as request
	blockgate.request_tags == {"production-ci"} with data.world as world([], [], []) with input as {"action": "ci-enforcement", "environment": "staging", "at": now}
}

test_request_known_for_catalog_names_and_a_numeric_time if {
	blockgate.request_known with data.world as world([], [], []) with input as request
}

test_request_not_known_for_an_unknown_action if {
	not blockgate.request_known with data.world as world([], [], []) with input as {"action": "deploy", "environment": "production", "at": now}
}

test_request_not_known_for_an_unknown_environment if {
	not blockgate.request_known with data.world as world([], [], []) with input as {"action": "apply", "environment": "prod", "at": now}
}

test_request_not_known_without_a_numeric_time if {
	not blockgate.request_known with data.world as world([], [], []) with input as {"action": "apply", "environment": "production", "at": "2026-11-25T12:00:00Z"}
	not blockgate.request_known with data.world as world([], [], []) with input as {"action": "apply", "environment": "production"}
}

# --- applicable blockers ---------------------------------------------------------------------

applies_world := world_resolved(
	[
		all_of("ON-ACTION", ["owner"], ["apply"]),
		all_of("ON-ENV", ["owner"], ["production"]),
		all_of("ON-BOTH", ["owner"], ["apply", "production"]),
		all_of("ON-OTHER", ["owner"], ["permit", "real-run"]),
		all_of("ON-UNKNOWN-TAG", ["owner"], ["nowhere"]),
		all_of("DECLARED-RESOLVED", ["owner"], ["apply"]),
	],
	[],
	["DECLARED-RESOLVED"],
)

test_blocker_applies_when_tags_intersect if {
	blockgate.blocker_applies == {"ON-ACTION", "ON-ENV", "ON-BOTH"} with data.world as applies_world with input as request
}

test_blocker_applies_by_environment_tags_alone if {
	blockgate.blocker_applies == {"ON-ENV", "ON-BOTH"} with data.world as applies_world with input as {"action": "repoint", "environment": "production", "at": now}
}

test_blocker_applies_not_in_an_environment_without_tags if {
	blockgate.blocker_applies == {"ON-OTHER"} with data.world as applies_world with input as {"action": "real-run", "environment": "staging", "at": now}
}

test_blocker_declared_resolved_does_not_apply if {
	not blockgate.blocker_applies["DECLARED-RESOLVED"] with data.world as applies_world with input as request
	blockgate.blocker_applies["ON-ACTION"] with data.world as applies_world with input as request
}

test_relevant_blockers_add_existing_prerequisites_of_applicable_blockers_only if {
	w := world(
		[
			after(all_of("B", ["owner"], ["apply"]), ["P", "GHOST"]),
			all_of("P", ["sec"], ["permit"]),
			after(all_of("X", ["owner"], ["permit"]), ["Q"]),
			all_of("Q", ["sec"], ["permit"]),
		],
		[],
		[],
	)
	blockgate.relevant_blockers == {"B", "P"} with data.world as w with input as request
}

# --- direct satisfaction and direct time -----------------------------------------------------

direct_world := world(
	[
		all_of("ALL", ["operator", "owner"], ["apply"]),
		any_of("ANY", ["operator", "owner"], ["apply"]),
		all_of("HALF", ["operator", "owner"], ["apply"]),
		any_of("NONE", ["operator", "owner"], ["apply"]),
	],
	[
		# ALL: owner earliest at -300, operator earliest at -200: direct time -200.
		grant("ALL-owner-1", "owner", ["ALL"], now - 300),
		grant("ALL-owner-2", "owner", ["ALL"], now - 100),
		grant("ALL-operator-1", "operator", ["ALL"], now - 50),
		grant("ALL-operator-2", "operator", ["ALL"], now - 200),
		# ANY: the earliest qualifying grant of any role, -250.
		grant("ANY-owner", "owner", ["ANY"], now - 150),
		grant("ANY-operator-1", "operator", ["ANY"], now - 250),
		grant("ANY-operator-2", "operator", ["ANY"], now - 20),
		# An earlier grant that does not qualify does not set the time.
		object.union(grant("ANY-expired", "owner", ["ANY"], now - 900), {"expires_at": now - 1}),
		grant("HALF-owner", "owner", ["HALF"], now - 10),
		grant("NONE-sec", "sec", ["NONE"], now - 10),
	],
	[],
)

test_first_qualifying_is_the_earliest_qualifying_grant_per_role if {
	blockgate.first_qualifying.ALL == {"owner": now - 300, "operator": now - 200} with data.world as direct_world with input as request
	blockgate.first_qualifying.ANY == {"owner": now - 150, "operator": now - 250} with data.world as direct_world with input as request
	blockgate.first_qualifying.HALF == {"owner": now - 10} with data.world as direct_world with input as request
	blockgate.first_qualifying.NONE == {} with data.world as direct_world with input as request
}

test_roles_met_mode_all_needs_every_role if {
	blockgate.roles_met({"mode": "all", "roles": ["operator", "owner"]}, {"operator", "owner", "sec"})
	not blockgate.roles_met({"mode": "all", "roles": ["operator", "owner"]}, {"owner"})
}

test_roles_met_mode_any_needs_one_role if {
	blockgate.roles_met({"mode": "any", "roles": ["operator", "owner"]}, {"owner"})
	not blockgate.roles_met({"mode": "any", "roles": ["operator", "owner"]}, {"sec"})
	not blockgate.roles_met({"mode": "any", "roles": ["operator", "owner"]}, set())
}

test_resolvable_unless_the_blocker_has_a_problem if {
	blockgate.resolvable(all_of("B", ["owner"], ["apply"]))
	not blockgate.resolvable(problem_blocker("N", "no-role", "(tbd)", ["apply"]))
}

test_directly_satisfied_mode_all_and_any if {
	blockgate.directly_satisfied == {"ALL", "ANY"} with data.world as direct_world with input as request
}

test_direct_time_mode_all_is_the_latest_of_each_roles_earliest if {
	blockgate.direct_time.ALL == now - 200 with data.world as direct_world with input as request
}

test_direct_time_mode_any_is_the_earliest if {
	blockgate.direct_time.ANY == now - 250 with data.world as direct_world with input as request
}

test_direct_time_undefined_when_not_directly_satisfied if {
	not blockgate.direct_time.HALF with data.world as direct_world with input as request
	not blockgate.direct_time.NONE with data.world as direct_world with input as request
}

test_direct_time_of if {
	blockgate.direct_time_of("all", [3, 1, 2]) == 3
	blockgate.direct_time_of("any", [3, 1, 2]) == 1
}

test_declared_resolved_prerequisite_is_directly_satisfied_without_a_time if {
	w := world_resolved([after(all_of("B", ["owner"], ["apply"]), ["P"]), all_of("P", ["sec"], ["permit"])], [], ["P"])
	blockgate.directly_satisfied == {"P"} with data.world as w with input as request
	not blockgate.direct_time.P with data.world as w with input as request
}

test_blocker_with_a_problem_is_never_directly_satisfied if {
	w := world([problem_blocker("N", "no-role", "(tbd)", ["apply"])], [grant("G1", "owner", ["N"], now - 10)], [])
	blockgate.directly_satisfied == set() with data.world as w with input as request
}

# --- prerequisites and counting --------------------------------------------------------------

# B (owner) after P1 (sec, direct time -300) and P2 (operator or sec, direct time -200).
prerequisite_world := world(
	[
		after(all_of("B", ["owner"], ["apply"]), ["P1", "P2"]),
		all_of("P1", ["sec"], ["permit"]),
		any_of("P2", ["operator", "sec"], ["permit"]),
	],
	[
		grant("P1-sec", "sec", ["P1"], now - 300),
		grant("P2-operator", "operator", ["P2"], now - 200),
		grant("B-early", "owner", ["B"], now - 201),
		grant("B-on-time", "owner", ["B"], now - 200),
		grant("B-late", "owner", ["B"], now - 1),
	],
	[],
)

test_prerequisites_met_when_every_prerequisite_is_directly_satisfied if {
	blockgate.prerequisites_met(prerequisite_world.blockers.B) with data.world as prerequisite_world with input as request
}

test_prerequisites_not_met_when_one_is_not_directly_satisfied if {
	w := world([after(all_of("B", ["owner"], ["apply"]), ["P1", "P2"]), all_of("P1", ["sec"], ["permit"]), all_of("P2", ["sec"], ["permit"])], [grant("P1-sec", "sec", ["P1"], now - 300)], [])
	not blockgate.prerequisites_met(w.blockers.B) with data.world as w with input as request
}

test_prerequisites_not_met_for_an_unknown_prerequisite_id if {
	w := world([after(all_of("B", ["owner"], ["apply"]), ["GHOST"])], [grant("G1", "owner", ["B"], now - 10)], [])
	not blockgate.prerequisites_met(w.blockers.B) with data.world as w with input as request
	not blockgate.blocker_satisfied.B with data.world as w with input as request
}

test_prerequisites_met_with_no_prerequisites if {
	blockgate.prerequisites_met({"after": []})
}

test_prerequisite_time_is_the_latest_direct_time if {
	blockgate.prerequisite_time.B == now - 200 with data.world as prerequisite_world with input as request
}

test_counting_grants_are_qualifying_grants_issued_at_or_after_prerequisite_time if {
	blockgate.counting_grants.B == {"B-on-time", "B-late"} with data.world as prerequisite_world with input as request
	blockgate.issued_in_time("B-on-time", "B") with data.world as prerequisite_world with input as request
	not blockgate.issued_in_time("B-early", "B") with data.world as prerequisite_world with input as request
	blockgate.grant_counts("B-late", prerequisite_world.blockers.B) with data.world as prerequisite_world with input as request
	not blockgate.grant_counts("B-early", prerequisite_world.blockers.B) with data.world as prerequisite_world with input as request
}

test_counting_roles if {
	blockgate.counting_roles.B == {"owner"} with data.world as prerequisite_world with input as request
}

test_prerequisite_in_resolved_in_this_macro_sets_no_time if {
	w := world_resolved(
		[after(all_of("B", ["owner"], ["apply"]), ["P"]), all_of("P", ["sec"], ["permit"])],
		[grant("B-old", "owner", ["B"], now - 100000)],
		["P"],
	)
	not blockgate.prerequisite_time.B with data.world as w with input as request
	blockgate.counting_grants.B == {"B-old"} with data.world as w with input as request
	blockgate.blocker_satisfied == {"B"} with data.world as w with input as request
}

test_resolved_prerequisite_ignored_for_time_next_to_a_timed_one if {
	w := world_resolved(
		[after(all_of("B", ["owner"], ["apply"]), ["P", "Q"]), all_of("P", ["sec"], ["permit"]), all_of("Q", ["sec"], ["permit"])],
		[grant("Q-sec", "sec", ["Q"], now - 50), grant("B-old", "owner", ["B"], now - 60), grant("B-new", "owner", ["B"], now - 50)],
		["P"],
	)
	blockgate.prerequisite_time.B == now - 50 with data.world as w with input as request
	blockgate.counting_grants.B == {"B-new"} with data.world as w with input as request
}

test_unmet_prerequisites_make_counting_equal_qualifying if {
	w := world(
		[after(all_of("B", ["owner"], ["apply"]), ["P"]), all_of("P", ["sec"], ["permit"])],
		[grant("B-old", "owner", ["B"], now - 100000)],
		[],
	)
	blockgate.counting_grants.B == {"B-old"} with data.world as w with input as request
	blockgate.blocker_denied == {"B"} with data.world as w with input as request
}

test_prerequisite_that_does_not_apply_is_evaluated_for_the_same_request if {
	# P blocks only `permit`, yet its grant for production apply satisfies it for this request.
	w := world(
		[after(all_of("B", ["owner"], ["apply"]), ["P"]), all_of("P", ["sec"], ["permit"])],
		[grant("P-sec", "sec", ["P"], now - 20), grant("B-owner", "owner", ["B"], now - 10)],
		[],
	)
	blockgate.blocker_applies == {"B"} with data.world as w with input as request
	blockgate.blocker_satisfied == {"B"} with data.world as w with input as request
}

test_prerequisite_grant_for_another_action_does_not_satisfy_it if {
	# A permit grant for P is not in force for an apply request, even though P blocks permit.
	w := world(
		[after(all_of("B", ["owner"], ["apply"]), ["P"]), all_of("P", ["sec"], ["permit"])],
		[object.union(grant("P-sec", "sec", ["P"], now - 20), {"action": "permit"}), grant("B-owner", "owner", ["B"], now - 10)],
		[],
	)
	not blockgate.directly_satisfied.P with data.world as w with input as request
	blockgate.blocker_denied == {"B"} with data.world as w with input as request
}

test_prerequisite_direct_satisfaction_ignores_its_own_prerequisites if {
	# P's own prerequisite Q is unmet, yet P is directly satisfied, so B is satisfied.
	w := world(
		[after(all_of("B", ["owner"], ["apply"]), ["P"]), after(all_of("P", ["sec"], ["permit"]), ["Q"]), all_of("Q", ["auditor"], ["permit"])],
		[grant("P-sec", "sec", ["P"], now - 20), grant("B-owner", "owner", ["B"], now - 10)],
		[],
	)
	blockgate.blocker_satisfied == {"B"} with data.world as w with input as request
}

test_blocker_satisfied_mode_all_needs_every_role if {
	w := world([all_of("B", ["operator", "owner"], ["apply"])], [grant("G1", "owner", ["B"], now - 10)], [])
	blockgate.blocker_satisfied == set() with data.world as w with input as request
	blockgate.blocker_denied == {"B"} with data.world as w with input as request
	w2 := world([all_of("B", ["operator", "owner"], ["apply"])], [grant("G1", "owner", ["B"], now - 10), grant("G2", "operator", ["B"], now - 10)], [])
	blockgate.blocker_satisfied == {"B"} with data.world as w2 with input as request
	blockgate.blocker_denied == set() with data.world as w2 with input as request
}

test_blocker_satisfied_mode_any_needs_one_role if {
	w := world([any_of("B", ["operator", "owner"], ["apply"])], [grant("G1", "operator", ["B"], now - 10)], [])
	blockgate.blocker_satisfied == {"B"} with data.world as w with input as request
}

test_blocker_with_a_problem_is_never_satisfied if {
	w := world([problem_blocker("N", "no-role", "(tbd)", ["apply"])], [grant("G1", "owner", ["N"], now - 10)], [])
	blockgate.blocker_denied == {"N"} with data.world as w with input as request
}

test_prerequisite_cycle_is_satisfiable if {
	# Direct satisfaction ignores `after`, so A after B and B after A can both be satisfied.
	w := world(
		[after(all_of("A", ["owner"], ["apply"]), ["B"]), after(all_of("B", ["sec"], ["apply"]), ["A"])],
		[grant("A-owner", "owner", ["A"], now - 10), grant("B-sec", "sec", ["B"], now - 10)],
		[],
	)
	blockgate.blocker_satisfied == {"A", "B"} with data.world as w with input as request
}

test_prerequisite_declared_resolved_but_in_no_map_is_not_met if {
	# Fail closed: an `after` id must name a loaded blocker, even if some map declares it resolved.
	w := world_resolved([after(all_of("B", ["owner"], ["apply"]), ["GHOST"])], [grant("G1", "owner", ["B"], now - 10)], ["GHOST"])
	not blockgate.prerequisites_met(w.blockers.B) with data.world as w with input as request
	blockgate.blocker_denied == {"B"} with data.world as w with input as request
	plan_for(w, request).unresolvable == [{"blocker_id": "B", "reason": "unknown-prerequisite"}]
}
