# SPEC 2.5: the smallest set of new grants that would allow the request, and the blockers no
# grant can close.
package blockgate_test

import data.blockgate
import data.blockgate.cover

needed(role, resolves, evidence_required) := {
	"role": role,
	"action": "apply",
	"environment": "production",
	"target": null,
	"resolves": resolves,
	"evidence_required": evidence_required,
}

plan_of(w) := plan_for(w, request)

# --- basics ----------------------------------------------------------------------------------

test_plan_for_an_allowed_request_is_empty if {
	w := world([all_of("B", ["owner"], ["apply"])], [grant("G1", "owner", ["B"], now - 10)], [])
	plan_of(w) == {"allowed": true, "grants_needed": [], "unresolvable": []}
}

test_plan_mode_all_lists_only_the_missing_roles if {
	w := world(
		[all_of("B", ["auditor", "operator", "owner"], ["apply"]), all_of("C", ["owner"], ["production"])],
		[grant("G1", "operator", ["B"], now - 10)],
		[],
	)
	plan_of(w) == {
		"allowed": false,
		"grants_needed": [needed("auditor", ["B"], false), needed("owner", ["B", "C"], false)],
		"unresolvable": [],
	}
}

test_plan_ignores_grants_that_are_not_in_force if {
	w := world([all_of("B", ["owner"], ["apply"])], [object.union(grant("G1", "owner", ["B"], now - 10), {"expires_at": now})], [])
	plan_of(w).grants_needed == [needed("owner", ["B"], false)]
}

# --- mode any: minimal choice ----------------------------------------------------------------

test_plan_mode_any_minimal_choice if {
	# any of {a, b} and any of {b, c}: one grant from b closes both.
	w := world([any_of("X", ["a", "b"], ["apply"]), any_of("Y", ["b", "c"], ["apply"])], [], [])
	plan_of(w).grants_needed == [needed("b", ["X", "Y"], false)]
}

test_plan_mode_any_tie_is_alphabetical if {
	w := world([any_of("X", ["b", "a", "c"], ["apply"])], [], [])
	plan_of(w).grants_needed == [needed("a", ["X"], false)]
}

test_plan_mode_any_tie_between_covers_of_equal_size_is_alphabetical if {
	w := world([any_of("X", ["a", "b"], ["apply"]), any_of("Y", ["c", "d"], ["apply"])], [], [])
	plan_of(w).grants_needed == [needed("a", ["X"], false), needed("c", ["Y"], false)]
}

test_plan_mode_any_prefers_fewer_grants_over_alphabetical_order if {
	# {a, z}, {b, z}, {c, z}: z alone beats a, b, c.
	w := world([any_of("X", ["a", "z"], ["apply"]), any_of("Y", ["b", "z"], ["apply"]), any_of("W", ["c", "z"], ["apply"])], [], [])
	plan_of(w).grants_needed == [needed("z", ["W", "X", "Y"], false)]
}

test_plan_required_role_settles_a_choice if {
	# Z needs c; X needs any of {a, c}: c closes both, no grant from a.
	w := world([all_of("Z", ["c"], ["apply"]), any_of("X", ["a", "c"], ["apply"])], [], [])
	plan_of(w).grants_needed == [needed("c", ["X", "Z"], false)]
}

test_plan_mode_any_with_a_counting_grant_needs_nothing_for_it if {
	w := world([any_of("X", ["a", "b"], ["apply"]), all_of("Y", ["c"], ["apply"])], [grant("G1", "b", ["X"], now - 10)], [])
	plan_of(w).grants_needed == [needed("c", ["Y"], false)]
}

test_plan_minimal_choice_with_many_candidate_roles if {
	# Thirteen candidate roles: r01..r12 each offered with z. One grant from z is the smallest
	# plan (SPEC 2.5: pick roles so that the count is minimal).
	ids := [sprintf("X%02d", [i]) | some i in numbers.range(1, 12)]
	w := world([any_of(id, [sprintf("r%s", [substring(id, 1, 2)]), "z"], ["apply"]) | some id in ids], [], [])
	plan_of(w).grants_needed == [needed("z", ids, false)]
}

test_plan_with_many_candidate_roles_still_allows if {
	ids := [sprintf("X%02d", [i]) | some i in numbers.range(1, 12)]
	w := world([any_of(id, [sprintf("r%s", [substring(id, 1, 2)]), "z"], ["apply"]) | some id in ids], [], [])
	decision_after_plan(w, request).allowed == true
}

# --- prerequisites ---------------------------------------------------------------------------

test_plan_prerequisite_not_met_adds_its_roles_and_the_dependents_roles if {
	# The owner's existing grant for B was issued before the planned grant for P: too early then.
	w := world(
		[after(all_of("B", ["owner"], ["apply"]), ["P"]), all_of("P", ["sec"], ["permit"])],
		[grant("B-owner", "owner", ["B"], now - 100)],
		[],
	)
	decide(w).denials == [denial_of(w.blockers.B, [], ["prerequisite-unsatisfied"])]
	plan_of(w).grants_needed == [needed("owner", ["B"], false), needed("sec", ["P"], false)]
}

test_plan_keeps_a_dependents_grant_issued_at_request_time if {
	w := world(
		[after(all_of("B", ["owner"], ["apply"]), ["P"]), all_of("P", ["sec"], ["permit"])],
		[grant("B-owner", "owner", ["B"], now)],
		[],
	)
	plan_of(w).grants_needed == [needed("sec", ["P"], false)]
}

test_plan_mode_all_prerequisite_needs_only_its_missing_roles if {
	w := world(
		[after(all_of("B", ["owner"], ["apply"]), ["P"]), all_of("P", ["operator", "sec"], ["permit"])],
		[grant("P-operator", "operator", ["P"], now - 100)],
		[],
	)
	plan_of(w).grants_needed == [needed("owner", ["B"], false), needed("sec", ["P"], false)]
}

test_plan_mode_any_prerequisite_offers_a_choice if {
	w := world(
		[after(all_of("B", ["owner"], ["apply"]), ["P"]), any_of("P", ["sec", "auditor"], ["permit"])],
		[],
		[],
	)
	plan_of(w).grants_needed == [needed("auditor", ["P"], false), needed("owner", ["B"], false)]
}

test_plan_mode_any_prerequisite_settled_by_a_dependents_role if {
	w := world(
		[after(all_of("B", ["owner"], ["apply"]), ["P"]), any_of("P", ["owner", "sec"], ["permit"])],
		[],
		[],
	)
	plan_of(w).grants_needed == [needed("owner", ["B", "P"], false)]
}

test_plan_for_a_too_early_grant_with_met_prerequisites if {
	w := world(
		[after(all_of("B", ["owner"], ["apply"]), ["P"]), all_of("P", ["sec"], ["permit"])],
		[grant("P-sec", "sec", ["P"], now - 50), grant("B-owner", "owner", ["B"], now - 60)],
		[],
	)
	plan_of(w).grants_needed == [needed("owner", ["B"], false)]
}

test_plan_mode_any_dependent_with_too_early_grants if {
	w := world(
		[after(any_of("B", ["operator", "owner"], ["apply"]), ["P"]), all_of("P", ["sec"], ["permit"])],
		[grant("B-owner", "owner", ["B"], now - 60)],
		[],
	)
	plan_of(w).grants_needed == [needed("operator", ["B"], false), needed("sec", ["P"], false)]
}

test_plan_declared_resolved_prerequisite_needs_no_grant if {
	w := world_resolved(
		[after(all_of("B", ["owner"], ["apply"]), ["P"]), all_of("P", ["sec"], ["permit"])],
		[],
		["P"],
	)
	plan_of(w).grants_needed == [needed("owner", ["B"], false)]
}

# --- evidence and target ---------------------------------------------------------------------

test_plan_evidence_required_when_any_resolved_blocker_requires_it if {
	w := world(
		[all_of("A", ["owner"], ["apply"]), needs_evidence(all_of("B", ["owner"], ["production"])), all_of("C", ["operator"], ["apply"])],
		[],
		[],
	)
	plan_of(w).grants_needed == [needed("operator", ["C"], false), needed("owner", ["A", "B"], true)]
}

test_plan_evidence_required_for_a_prerequisite if {
	w := world(
		[after(all_of("B", ["owner"], ["apply"]), ["P"]), needs_evidence(all_of("P", ["sec"], ["permit"]))],
		[grant("P-sec", "sec", ["P"], now - 100)],
		[],
	)
	plan_of(w).grants_needed == [needed("owner", ["B"], false), needed("sec", ["P"], true)]
}

test_plan_passes_the_target_through if {
	w := world([all_of("B", ["owner"], ["apply"])], [], [])
	plan_for(w, request_for_target("QT001")).grants_needed == [object.union(needed("owner", ["B"], false), {"target": "QT001"})]
}

test_plan_target_null_when_absent if {
	w := world([all_of("B", ["owner"], ["apply"])], [], [])
	plan_of(w).grants_needed[0].target == null
}

test_plan_for_another_action_and_environment if {
	w := world([all_of("B", ["owner"], ["real-run"])], [], [])
	plan_for(w, {"action": "real-run", "environment": "staging", "at": now}).grants_needed == [{
		"role": "owner",
		"action": "real-run",
		"environment": "staging",
		"target": null,
		"resolves": ["B"],
		"evidence_required": false,
	}]
}

# --- unresolvable ----------------------------------------------------------------------------

unresolvable_world := world(
	[
		problem_blocker("N", "no-role", "(to be decided)", ["apply"]),
		problem_blocker("M", "ambiguous-actor", "owner + operator or sec", ["apply"]),
		after(all_of("U", ["owner"], ["apply"]), ["GHOST"]),
		after(all_of("Q", ["owner"], ["apply"]), ["N2"]),
		problem_blocker("N2", "no-role", "()", ["permit"]),
		all_of("K", ["operator"], ["apply"]),
	],
	[],
	[],
)

test_plan_unresolvable_reasons if {
	plan_of(unresolvable_world) == {
		"allowed": false,
		"grants_needed": [needed("operator", ["K"], false)],
		"unresolvable": [
			{"blocker_id": "M", "reason": "ambiguous-actor"},
			{"blocker_id": "N", "reason": "no-role"},
			{"blocker_id": "Q", "reason": "prerequisite-unresolvable"},
			{"blocker_id": "U", "reason": "unknown-prerequisite"},
		],
	}
}

test_unresolvable_because_order if {
	w := world([all_of("P", ["sec"], ["permit"]), problem_blocker("N", "no-role", "", ["permit"])], [], [])
	blockgate.unresolvable_because(after(problem_blocker("X", "no-role", "", ["apply"]), ["GHOST", "N"])) == "no-role" with data.world as w with input as request
	blockgate.unresolvable_because(after(all_of("X", ["owner"], ["apply"]), ["N", "GHOST"])) == "unknown-prerequisite" with data.world as w with input as request
	blockgate.unresolvable_because(after(all_of("X", ["owner"], ["apply"]), ["P", "N"])) == "prerequisite-unresolvable" with data.world as w with input as request
	not blockgate.unresolvable_because(after(all_of("X", ["owner"], ["apply"]), ["P"])) with data.world as w with input as request
}

test_prerequisite_with_a_problem_declared_resolved_is_not_unresolvable if {
	w := world_resolved([after(all_of("B", ["owner"], ["apply"]), ["N"]), problem_blocker("N", "no-role", "", ["permit"])], [], ["N"])
	plan_of(w) == {"allowed": false, "grants_needed": [needed("owner", ["B"], false)], "unresolvable": []}
}

test_prerequisite_with_an_unknown_prerequisite_of_its_own_is_still_plannable if {
	# P's own `after` names a ghost, but direct satisfaction ignores `after`.
	w := world([after(all_of("B", ["owner"], ["apply"]), ["P"]), after(all_of("P", ["sec"], ["permit"]), ["GHOST"])], [], [])
	plan_of(w) == {"allowed": false, "grants_needed": [needed("owner", ["B"], false), needed("sec", ["P"], false)], "unresolvable": []}
	decision_after_plan(w, request).allowed == true
}

# --- helper rules ----------------------------------------------------------------------------

# A (owner, operator) after P (sec or auditor, not met); B (owner) after Q (ci, direct time -40);
# C any of (x, y); existing grants: A's operator grant at -5 (too early after the plan), B's owner
# grant at -30 (counts), nothing else. N has no role.
helper_world := world(
	[
		after(all_of("A", ["operator", "owner"], ["apply"]), ["P"]),
		any_of("P", ["auditor", "sec"], ["permit"]),
		after(all_of("B", ["owner", "reviewer"], ["apply"]), ["Q"]),
		all_of("Q", ["ci"], ["permit"]),
		any_of("C", ["x", "y"], ["apply"]),
		problem_blocker("N", "no-role", "", ["apply"]),
	],
	[
		grant("A-operator", "operator", ["A"], now - 5),
		grant("B-owner", "owner", ["B"], now - 30),
		grant("Q-ci", "ci", ["Q"], now - 40),
	],
	[],
)

test_plan_helper_unresolvable_and_plannable if {
	blockgate.unresolvable_reason == {"N": "no-role"} with data.world as helper_world with input as request
	blockgate.plannable == {"A", "B", "C"} with data.world as helper_world with input as request
	blockgate.prerequisite_to_close == {"P"} with data.world as helper_world with input as request
}

test_plan_helper_planned_times if {
	blockgate.planned_direct_time("P") == now with data.world as helper_world with input as request
	blockgate.planned_direct_time("Q") == now - 40 with data.world as helper_world with input as request
	blockgate.planned_prerequisite_time == {"A": now, "B": now - 40} with data.world as helper_world with input as request
}

test_plan_helper_counts_after_plan if {
	blockgate.counts_after_plan("B", "owner") with data.world as helper_world with input as request
	not blockgate.counts_after_plan("A", "operator") with data.world as helper_world with input as request
	not blockgate.counts_after_plan("B", "reviewer") with data.world as helper_world with input as request
	blockgate.issued_from_planned_time({"issued_at": now}, "A") with data.world as helper_world with input as request
	not blockgate.issued_from_planned_time({"issued_at": now - 1}, "A") with data.world as helper_world with input as request
	blockgate.issued_from_planned_time({"issued_at": 0}, "C") with data.world as helper_world with input as request
}

test_plan_helper_roles_that_must_close if {
	blockgate.role_must_close == {["A", "operator"], ["A", "owner"], ["B", "reviewer"]} with data.world as helper_world with input as request
	blockgate.one_role_must_close == {"C": {"x", "y"}, "P": {"auditor", "sec"}} with data.world as helper_world with input as request
	blockgate.required_plan_roles == {"operator", "owner", "reviewer"} with data.world as helper_world with input as request
	not blockgate.any_role_counts_after_plan(helper_world.blockers.C) with data.world as helper_world with input as request
}

# The choices go to the cover solver (cover.rego); what it makes of them, as the plan sees it.
test_plan_helper_choices if {
	choices := blockgate.open_choices with data.world as helper_world with input as request
	choices == {{"x", "y"}, {"auditor", "sec"}}
	cover.candidates(choices) == ["auditor", "sec", "x", "y"]
	covers := cover.exhaustive_covers(choices, cover.candidates(choices))
	covers[[2, ["auditor", "x"]]]
	not covers[[1, ["auditor"]]]
	count(covers) == 9
	blockgate.chosen_roles == {"auditor", "x"} with data.world as helper_world with input as request
	cover.greedy(choices) == {"auditor", "x"}
	blockgate.plan_roles == {"auditor", "operator", "owner", "reviewer", "x"} with data.world as helper_world with input as request
}

test_plan_helper_blockers_closed_by_and_planned_grant if {
	blockgate.blockers_closed_by("owner") == {"A"} with data.world as helper_world with input as request
	blockgate.blockers_closed_by("auditor") == {"P"} with data.world as helper_world with input as request
	blockgate.blockers_closed_by("sec") == set() with data.world as helper_world with input as request
	blockgate.planned_grant("x") == needed("x", ["C"], false) with data.world as helper_world with input as request
}

test_plan_helper_whole_plan if {
	plan_of(helper_world) == {
		"allowed": false,
		"grants_needed": [
			needed("auditor", ["P"], false),
			needed("operator", ["A"], false),
			needed("owner", ["A"], false),
			needed("reviewer", ["B"], false),
			needed("x", ["C"], false),
		],
		"unresolvable": [{"blocker_id": "N", "reason": "no-role"}],
	}
}

test_plan_chosen_roles_empty_without_open_choices if {
	w := world([all_of("Z", ["c"], ["apply"]), any_of("X", ["a", "c"], ["apply"])], [], [])
	blockgate.open_choices == set() with data.world as w with input as request
	blockgate.chosen_roles == set() with data.world as w with input as request
}

# --- the plan's promise ----------------------------------------------------------------------

# Worlds whose plan has no unresolvable blocker: adding the planned grants allows the request.
promise_worlds := [
	world([all_of("B", ["operator", "owner"], ["apply"])], [grant("G1", "owner", ["B"], now - 10)], []),
	world([any_of("X", ["a", "b"], ["apply"]), any_of("Y", ["b", "c"], ["production"]), all_of("Z", ["c"], ["apply"])], [], []),
	helper_world_without_problem,
	world(
		[
			after(all_of("C", ["owner"], ["apply"]), ["B"]),
			needs_evidence(after(any_of("B", ["operator", "sec"], ["apply"]), ["A"])),
			all_of("A", ["auditor", "owner"], ["permit"]),
		],
		[
			grant("C-owner", "owner", ["C"], now - 5),
			grant("B-operator", "operator", ["B"], now - 5),
			grant("A-owner", "owner", ["A"], now - 50),
		],
		[],
	),
	world(
		[after(all_of("B", ["owner"], ["apply"]), ["P", "R"]), all_of("P", ["sec"], ["permit"]), all_of("R", ["ops"], ["permit"])],
		[grant("R-ops", "ops", ["R"], now - 70), grant("B-owner", "owner", ["B"], now - 60)],
		[],
	),
]

# helper_world without its no-role blocker N.
helper_world_without_problem := object.union(object.remove(helper_world, ["blockers", "blockers_by_tag"]), {
	"blockers": object.remove(helper_world.blockers, ["N"]),
	"blockers_by_tag": {"apply": ["A", "B", "C"], "permit": ["P", "Q"]},
})

test_plan_promise_holds_for_each_world if {
	every w in promise_worlds {
		decide(w).allowed == false
		count(plan_of(w).grants_needed) > 0
		decision_after_plan(w, request).allowed == true
	}
}

test_plan_promise_holds_with_a_target if {
	w := world([all_of("B", ["operator", "owner"], ["apply"]), after(all_of("C", ["sec"], ["production"]), ["B"])], [object.union(grant("G1", "owner", ["B"], now - 10), {"target": "QT001"})], [])
	req := request_for_target("QT001")
	decide_for(w, req).allowed == false
	decision_after_plan(w, req).allowed == true

	# Grants for QT001 do not allow QT002.
	decide_for(world_after_plan(w, req), request_for_target("QT002")).allowed == false
}

test_plan_promise_after_plan_is_empty if {
	every w in promise_worlds {
		plan_for(world_after_plan(w, request), request) == {"allowed": true, "grants_needed": [], "unresolvable": []}
	}
}

test_plan_with_unresolvable_blockers_cannot_allow if {
	decision_after_plan(unresolvable_world, request).allowed == false
	[d.blocker_id | some d in decision_after_plan(unresolvable_world, request).denials] == ["M", "N", "Q", "U"]
}

test_plan_minimal_choice_with_twelve_candidate_roles if {
	# Twelve candidates (r01..r11 and z): still one grant from z.
	ids := [sprintf("X%02d", [i]) | some i in numbers.range(1, 11)]
	w := world([any_of(id, [sprintf("r%s", [substring(id, 1, 2)]), "z"], ["apply"]) | some id in ids], [], [])
	plan_of(w).grants_needed == [needed("z", ids, false)]
}

test_plan_mode_any_dependent_with_a_grant_at_request_time_needs_only_the_prerequisite if {
	# X's operator grant, issued at the request time, still counts once P is granted at that time.
	w := world(
		[after(any_of("X", ["operator", "owner"], ["apply"]), ["P"]), all_of("P", ["sec"], ["permit"])],
		[grant("X-operator", "operator", ["X"], now)],
		[],
	)
	blockgate.any_role_counts_after_plan(w.blockers.X) with data.world as w with input as request
	plan_of(w).grants_needed == [needed("sec", ["P"], false)]
	decision_after_plan(w, request).allowed == true
}
