# SPEC 2.3 and 2.4: allowed, denials with their reasons, satisfied blockers, ignored grants
# and warnings.
package blockgate_test

import data.blockgate

# --- allowed ---------------------------------------------------------------------------------

test_allowed_with_no_applicable_blocker if {
	decide(world([all_of("X", ["owner"], ["permit"])], [], [])) == {
		"allowed": true,
		"denials": [],
		"satisfied": [],
		"ignored_grants": [],
		"warnings": [],
	}
}

test_allowed_false_by_default if {
	not blockgate.allowed == true with data.world as world([all_of("B", ["owner"], ["apply"])], [], []) with input as request
	blockgate.allowed == false with data.world as world([all_of("B", ["owner"], ["apply"])], [], []) with input as request
}

test_not_allowed_for_an_unknown_action if {
	d := decide_for(world([], [], []), {"action": "deploy", "environment": "staging", "at": now})
	d.allowed == false
}

test_not_allowed_for_an_unknown_environment if {
	d := decide_for(world([], [], []), {"action": "apply", "environment": "prod", "at": now})
	d.allowed == false
}

test_not_allowed_for_an_unknown_action_even_with_every_grant if {
	# The production blocker is satisfied, but the action is not in the catalog.
	w := world([all_of("B", ["owner"], ["production"])], [object.union(grant("G1", "owner", ["B"], now - 10), {"action": "deploy"})], [])
	d := decide_for(w, {"action": "deploy", "environment": "production", "at": now})
	d.allowed == false
	d.satisfied == [{"blocker_id": "B", "grants": ["G1"]}]
}

test_not_allowed_without_a_numeric_time if {
	d := decide_for(world([], [], []), {"action": "apply", "environment": "production", "at": "now"})
	d.allowed == false
}

test_allowed_when_every_applicable_blocker_is_satisfied if {
	w := world(
		[all_of("A", ["operator", "owner"], ["apply"]), any_of("B", ["operator", "owner"], ["production"]), all_of("X", ["sec"], ["permit"])],
		[grant("G1", "owner", ["A", "B"], now - 10), grant("G2", "operator", ["A"], now - 5)],
		[],
	)
	decide(w) == {
		"allowed": true,
		"denials": [],
		"satisfied": [{"blocker_id": "A", "grants": ["G1", "G2"]}, {"blocker_id": "B", "grants": ["G1"]}],
		"ignored_grants": [],
		"warnings": [],
	}
}

# --- the whole decision, once, literally -----------------------------------------------------

test_decision_denial_shape if {
	w := world(
		[{
			"id": "FIX7-P0-PROD-BIRTH-SURFACE-1",
			"item": "production object-birth pipeline surface",
			"evidence": "mutation-inventory.json surface 5",
			"next_action": null,
			"actor_needed": "owner + operator (scope the exact production surface; not invented)",
			"tags": ["production"],
			"roles": ["operator", "owner"],
			"mode": "all",
			"evidence_required": false,
			"after": [],
			"source": "maps/fix7.json",
			"line": 7,
			"where": "maps/fix7.json line 7",
		}],
		[grant("G1", "owner", ["FIX7-P0-PROD-BIRTH-SURFACE-1"], now - 10)],
		[],
	)
	decide(w) == {
		"allowed": false,
		"denials": [{
			"kind": "blocker",
			"blocker_id": "FIX7-P0-PROD-BIRTH-SURFACE-1",
			"item": "production object-birth pipeline surface",
			"next_action": null,
			"actor_needed": "owner + operator (scope the exact production surface; not invented)",
			"blocks": ["production"],
			"required_roles": ["operator", "owner"],
			"mode": "all",
			"missing_roles": ["operator"],
			"reasons": ["missing-grant"],
			"source": "maps/fix7.json",
		}],
		"satisfied": [],
		"ignored_grants": [],
		"warnings": [],
	}
}

# --- denial reasons --------------------------------------------------------------------------

test_denial_no_role if {
	n := problem_blocker("N", "no-role", "(to be decided)", ["apply"])
	d := decide(world([n], [grant("G1", "owner", ["N"], now - 10)], []))
	d.allowed == false
	d.denials == [denial_of(n, [], ["no-role"])]
	d.ignored_grants == [{"grant_id": "G1", "blocker_ids": ["N"], "reason": "role-not-required"}]
}

test_denial_ambiguous_actor if {
	m := problem_blocker("M", "ambiguous-actor", "owner + operator or sec", ["apply"])
	d := decide(world([m], [], []))
	d.allowed == false
	d.denials == [denial_of(m, [], ["ambiguous-actor"])]
}

test_denial_prerequisite_unsatisfied_alone if {
	# B has its owner grant; only its prerequisite P is missing.
	b := after(all_of("B", ["owner"], ["apply"]), ["P"])
	d := decide(world([b, all_of("P", ["sec"], ["permit"])], [grant("G1", "owner", ["B"], now - 10)], []))
	d.allowed == false
	d.denials == [denial_of(b, [], ["prerequisite-unsatisfied"])]
	d.satisfied == []
}

test_denial_prerequisite_unsatisfied_for_an_unknown_prerequisite if {
	b := after(all_of("B", ["owner"], ["apply"]), ["GHOST"])
	d := decide(world([b], [grant("G1", "owner", ["B"], now - 10)], []))
	d.denials == [denial_of(b, [], ["prerequisite-unsatisfied"])]
}

test_denial_prerequisite_unsatisfied_with_missing_grant if {
	b := after(all_of("B", ["owner"], ["apply"]), ["P"])
	d := decide(world([b, all_of("P", ["sec"], ["permit"])], [], []))
	d.denials == [denial_of(b, ["owner"], ["missing-grant", "prerequisite-unsatisfied"])]
}

test_denial_missing_grant if {
	b := all_of("B", ["owner"], ["apply"])
	d := decide(world([b], [], []))
	d.denials == [denial_of(b, ["owner"], ["missing-grant"])]
}

test_denial_missing_grant_when_the_roles_grants_are_not_in_force if {
	b := all_of("B", ["owner"], ["apply"])
	w := world(
		[b],
		[
			object.union(grant("G1", "owner", ["B"], now - 10), {"expires_at": now}),
			grant("G2", "owner", ["B"], now + 1),
			grant("G3", "owner", ["B"], now - 10),
			grant("G4", "operator", ["B"], now - 10),
		],
		[revoke("R1", "owner", "G3", now - 1)],
	)
	d := decide(w)
	d.denials == [denial_of(b, ["owner"], ["missing-grant"])]
}

test_denial_evidence_missing if {
	b := needs_evidence(all_of("B", ["owner"], ["apply"]))
	d := decide(world([b], [grant("G1", "owner", ["B"], now - 10)], []))
	d.denials == [denial_of(b, ["owner"], ["evidence-missing"])]
	d.ignored_grants == [{"grant_id": "G1", "blocker_ids": ["B"], "reason": "evidence-missing"}]
}

test_denial_grant_too_early if {
	b := after(all_of("B", ["owner"], ["apply"]), ["P"])
	w := world(
		[b, all_of("P", ["sec"], ["permit"])],
		[grant("P-sec", "sec", ["P"], now - 50), grant("B-owner", "owner", ["B"], now - 51)],
		[],
	)
	d := decide(w)
	d.denials == [denial_of(b, ["owner"], ["grant-too-early"])]
	d.ignored_grants == [{"grant_id": "B-owner", "blocker_ids": ["B"], "reason": "too-early"}]
}

test_grant_issued_exactly_at_prerequisite_time_counts if {
	b := after(all_of("B", ["owner"], ["apply"]), ["P"])
	w := world(
		[b, all_of("P", ["sec"], ["permit"])],
		[grant("P-sec", "sec", ["P"], now - 50), grant("B-owner", "owner", ["B"], now - 50)],
		[],
	)
	decide(w).allowed == true
	decide(w).satisfied == [{"blocker_id": "B", "grants": ["B-owner"]}]
}

test_denial_grant_too_early_after_mode_all_prerequisite_time if {
	# P (mode all) has direct time -100 (operator's earliest), so an owner grant at -150 is too early,
	# although it is after the earliest grant for P (-200).
	b := after(all_of("B", ["owner"], ["apply"]), ["P"])
	w := world(
		[b, all_of("P", ["operator", "sec"], ["permit"])],
		[grant("P-sec", "sec", ["P"], now - 200), grant("P-operator", "operator", ["P"], now - 100), grant("B-owner", "owner", ["B"], now - 150)],
		[],
	)
	decide(w).denials == [denial_of(b, ["owner"], ["grant-too-early"])]
}

test_grant_after_mode_any_prerequisite_earliest_time_counts if {
	# P (mode any) has direct time -200 (its earliest grant), so an owner grant at -150 counts.
	b := after(all_of("B", ["owner"], ["apply"]), ["P"])
	w := world(
		[b, any_of("P", ["operator", "sec"], ["permit"])],
		[grant("P-sec", "sec", ["P"], now - 200), grant("P-operator", "operator", ["P"], now - 100), grant("B-owner", "owner", ["B"], now - 150)],
		[],
	)
	decide(w).allowed == true
}

test_denial_reasons_per_missing_role_are_sorted_and_distinct if {
	b := needs_evidence(after(all_of("B", ["auditor", "operator", "owner", "sec"], ["apply"]), ["P"]))
	w := world(
		[b, all_of("P", ["ci"], ["permit"])],
		[
			grant("P-ci", "ci", ["P"], now - 50),
			# operator: in force, no evidence; owner: with evidence, too early; sec: nothing in force.
			grant("B-operator", "operator", ["B"], now - 10),
			with_evidence(grant("B-owner", "owner", ["B"], now - 60)),
			object.union(with_evidence(grant("B-sec", "sec", ["B"], now - 10)), {"environment": "staging"}),
		],
		[],
	)
	d := decide(w)
	d.denials == [denial_of(b, ["auditor", "operator", "owner", "sec"], ["evidence-missing", "grant-too-early", "missing-grant"])]
}

test_denial_evidence_missing_only_when_no_in_force_grant_has_evidence if {
	# One owner grant lacks evidence, the other has it but is too early: too early wins.
	b := needs_evidence(after(all_of("B", ["owner"], ["apply"]), ["P"]))
	w := world(
		[b, all_of("P", ["ci"], ["permit"])],
		[grant("P-ci", "ci", ["P"], now - 50), grant("B-1", "owner", ["B"], now - 10), with_evidence(grant("B-2", "owner", ["B"], now - 60))],
		[],
	)
	decide(w).denials == [denial_of(b, ["owner"], ["grant-too-early"])]
}

# --- missing roles ---------------------------------------------------------------------------

test_missing_roles_mode_all_are_the_roles_without_a_counting_grant if {
	b := all_of("B", ["auditor", "operator", "owner"], ["apply"])
	d := decide(world([b], [grant("G1", "operator", ["B"], now - 10)], []))
	d.denials == [denial_of(b, ["auditor", "owner"], ["missing-grant"])]
}

test_missing_roles_mode_any_are_all_roles_when_none_counts if {
	b := any_of("B", ["owner", "auditor", "operator"], ["apply"])
	d := decide(world([b], [grant("G1", "sec", ["B"], now - 10)], []))
	d.denials == [denial_of(b, ["auditor", "operator", "owner"], ["missing-grant"])]
}

test_missing_roles_mode_any_are_none_when_one_counts if {
	b := after(any_of("B", ["operator", "owner"], ["apply"]), ["P"])
	d := decide(world([b, all_of("P", ["sec"], ["permit"])], [grant("G1", "owner", ["B"], now - 10)], []))
	d.denials == [denial_of(b, [], ["prerequisite-unsatisfied"])]
}

test_missing_roles_rule if {
	w := world([all_of("A", ["operator", "owner"], ["apply"]), any_of("B", ["operator", "owner"], ["apply"])], [grant("G1", "owner", ["A"], now - 10)], [])
	blockgate.missing_roles == {"A": {"operator"}, "B": {"operator", "owner"}} with data.world as w with input as request
}

test_roles_missing_function if {
	blockgate.roles_missing({"mode": "all", "roles": ["a", "b", "c"]}, {"b"}) == {"a", "c"}
	blockgate.roles_missing({"mode": "any", "roles": ["a", "b"]}, set()) == {"a", "b"}
	blockgate.roles_missing({"mode": "any", "roles": ["a", "b"]}, {"a"}) == set()
}

test_problem_and_prerequisite_reason_functions if {
	blockgate.problem_reasons({"problem": "no-role"}) == {"no-role"}
	blockgate.problem_reasons({}) == set()
	blockgate.prerequisite_reasons({"after": []}) == set()
	blockgate.prerequisite_reasons({"after": ["GHOST"]}) == {"prerequisite-unsatisfied"} with data.world as world([], [], []) with input as request
}

# --- sorting ---------------------------------------------------------------------------------

test_denials_sorted_by_blocker_id if {
	d := decide(world([all_of("Z", ["owner"], ["apply"]), all_of("M", ["owner"], ["production"]), all_of("A", ["owner"], ["apply"])], [], []))
	[x.blocker_id | some x in d.denials] == ["A", "M", "Z"]
}

test_satisfied_sorted_by_blocker_id_with_counting_grant_ids_sorted if {
	w := world(
		[all_of("Z", ["operator", "owner"], ["apply"]), any_of("A", ["operator", "owner"], ["apply"])],
		[
			grant("G-c", "owner", ["Z", "A"], now - 10),
			grant("G-a", "operator", ["Z"], now - 30),
			grant("G-b", "owner", ["Z", "A"], now - 20),
			grant("G-d", "sec", ["Z"], now - 20),
		],
		[],
	)
	d := decide(w)
	d.allowed == true
	d.satisfied == [{"blocker_id": "A", "grants": ["G-b", "G-c"]}, {"blocker_id": "Z", "grants": ["G-a", "G-b", "G-c"]}]
	d.ignored_grants == [{"grant_id": "G-d", "blocker_ids": ["Z"], "reason": "role-not-required"}]
}

test_satisfied_lists_every_counting_grant_not_only_the_earliest if {
	w := world([all_of("B", ["owner"], ["apply"])], [grant("G2", "owner", ["B"], now - 10), grant("G1", "owner", ["B"], now - 20), grant("G3", "owner", ["B"], now)], [])
	decide(w).satisfied == [{"blocker_id": "B", "grants": ["G1", "G2", "G3"]}]
}

# --- ignored grants: every reason of SPEC 2.4 ------------------------------------------------

# B (owner, evidence) after P (sec, direct time -500), for production apply of QT001.
# Each grant I01..I12 names B and fails for one reason; OK counts.
ignored_world := world(
	[needs_evidence(after(all_of("B", ["owner"], ["apply"]), ["P"])), all_of("P", ["sec"], ["permit"])],
	[
		grant("P-sec", "sec", ["P"], now - 500),
		object.union(with_evidence(grant("I01", "owner", ["B"], now - 100)), {"auth": "unknown-key"}),
		object.union(with_evidence(grant("I03", "owner", ["B"], now - 100)), {"auth": "role-mismatch"}),
		with_evidence(grant("I04", "owner", ["B"], now - 100)),
		object.union(with_evidence(grant("I05", "owner", ["B"], now - 100)), {"expires_at": now}),
		with_evidence(grant("I06", "owner", ["B"], now + 1)),
		object.union(with_evidence(grant("I07", "owner", ["B"], now - 100)), {"action": "permit"}),
		object.union(with_evidence(grant("I08", "owner", ["B"], now - 100)), {"environment": "staging"}),
		object.union(with_evidence(grant("I09", "owner", ["B"], now - 100)), {"target": "QT002"}),
		with_evidence(grant("I10", "operator", ["B"], now - 100)),
		grant("I11", "owner", ["B"], now - 100),
		with_evidence(grant("I12", "owner", ["B"], now - 501)),
		object.union(with_evidence(grant("OK", "owner", ["B"], now - 100)), {"target": "QT001"}),
	],
	[revoke("R-I04", "owner", "I04", now - 1)],
)

test_ignored_grants_every_reason if {
	d := decide_for(ignored_world, request_for_target("QT001"))
	d.allowed == true
	d.satisfied == [{"blocker_id": "B", "grants": ["OK"]}]
	d.ignored_grants == [
		{"grant_id": "I01", "blocker_ids": ["B"], "reason": "unknown-key"},
		{"grant_id": "I03", "blocker_ids": ["B"], "reason": "role-mismatch"},
		{"grant_id": "I04", "blocker_ids": ["B"], "reason": "revoked"},
		{"grant_id": "I05", "blocker_ids": ["B"], "reason": "expired"},
		{"grant_id": "I06", "blocker_ids": ["B"], "reason": "not-yet-valid"},
		{"grant_id": "I07", "blocker_ids": ["B"], "reason": "other-action"},
		{"grant_id": "I08", "blocker_ids": ["B"], "reason": "other-environment"},
		{"grant_id": "I09", "blocker_ids": ["B"], "reason": "other-target"},
		{"grant_id": "I10", "blocker_ids": ["B"], "reason": "role-not-required"},
		{"grant_id": "I11", "blocker_ids": ["B"], "reason": "evidence-missing"},
		{"grant_id": "I12", "blocker_ids": ["B"], "reason": "too-early"},
	]
}

test_ignore_reason_order_after_grant_status if {
	# An in-force grant by a role the blocker does not need, without evidence, too early:
	# role-not-required comes first, then evidence-missing, then too-early.
	b := needs_evidence(after(all_of("B", ["owner"], ["apply"]), ["P"]))
	w := world([b, all_of("P", ["sec"], ["permit"])], [grant("P-sec", "sec", ["P"], now - 50)], [])
	blockgate.ignore_reason(grant("X", "operator", ["B"], now - 60), b) == "role-not-required" with data.world as w with input as request
	blockgate.ignore_reason(grant("X", "owner", ["B"], now - 60), b) == "evidence-missing" with data.world as w with input as request
	blockgate.ignore_reason(with_evidence(grant("X", "owner", ["B"], now - 60)), b) == "too-early" with data.world as w with input as request
	blockgate.ignore_reason(object.union(grant("X", "operator", ["B"], now - 60), {"expires_at": now}), b) == "expired" with data.world as w with input as request
}

test_ignored_grant_lists_every_applicable_blocker_it_names_sorted if {
	# G1 is expired and names Z, A (both applicable) and X (not applicable).
	w := world(
		[all_of("Z", ["owner"], ["apply"]), all_of("A", ["owner"], ["production"]), all_of("X", ["owner"], ["permit"])],
		[object.union(grant("G1", "owner", ["Z", "X", "A"], now - 10), {"expires_at": now - 1})],
		[],
	)
	decide(w).ignored_grants == [{"grant_id": "G1", "blocker_ids": ["A", "Z"], "reason": "expired"}]
}

test_ignored_grants_sorted_by_grant_id if {
	w := world(
		[all_of("B", ["owner"], ["apply"])],
		[grant("G-z", "sec", ["B"], now - 10), grant("G-a", "sec", ["B"], now - 10), grant("G-m", "owner", ["B"], now + 5)],
		[],
	)
	[g.grant_id | some g in decide(w).ignored_grants] == ["G-a", "G-m", "G-z"]
}

test_grant_naming_no_applicable_blocker_is_not_listed_as_ignored if {
	w := world([all_of("B", ["owner"], ["apply"]), all_of("X", ["owner"], ["permit"])], [grant("G1", "owner", ["X"], now + 5)], [])
	decide(w).ignored_grants == []
}

test_grant_counting_for_one_blocker_is_ignored_for_another_it_does_not_serve if {
	w := world(
		[all_of("A", ["owner"], ["apply"]), all_of("C", ["operator"], ["apply"])],
		[grant("G1", "owner", ["A", "C"], now - 10)],
		[],
	)
	d := decide(w)
	d.satisfied == [{"blocker_id": "A", "grants": ["G1"]}]
	d.ignored_grants == [{"grant_id": "G1", "blocker_ids": ["C"], "reason": "role-not-required"}]
}

# Pins the grouping: one entry per grant and reason, so a grant ignored for different reasons
# by two blockers appears twice (sorted by reason).
test_ignored_grant_with_different_reasons_per_blocker if {
	w := world(
		[all_of("C", ["operator"], ["apply"]), needs_evidence(all_of("D", ["owner"], ["apply"]))],
		[grant("G1", "owner", ["C", "D"], now - 10)],
		[],
	)
	decide(w).ignored_grants == [
		{"grant_id": "G1", "blocker_ids": ["D"], "reason": "evidence-missing"},
		{"grant_id": "G1", "blocker_ids": ["C"], "reason": "role-not-required"},
	]
}

# --- warnings --------------------------------------------------------------------------------

test_warning_ledger_not_verified if {
	w := object.union(world([all_of("B", ["owner"], ["apply"])], [grant("G1", "owner", ["B"], now - 10)], []), {"ledger": {"verified": false}})
	d := decide(w)
	d.allowed == true
	[x.code | some x in d.warnings] == ["ledger-not-verified"]
	d.warnings[0].message == "signatures were not checked (--insecure-no-verify): every ledger entry counts with its own role"
}

test_no_warning_when_ledger_verified if {
	decide(world([all_of("B", ["owner"], ["apply"])], [], [])).warnings == []
}

# SPEC 2.4: revoke-without-effect, for a revoke of a grant of an applicable blocker that does
# not take effect for a reason other than time, naming both ids and why.
test_inauthentic_revokes_warn_revoke_without_effect if {
	w := world(
		[all_of("B", ["owner"], ["apply"])],
		[grant("G1", "owner", ["B"], now - 10)],
		[
			object.union(revoke("R2", "owner", "G1", now - 5), {"auth": "unknown-key", "line": 3, "where": "ledger.jsonl line 3"}),
			object.union(revoke("R1", "owner", "G1", now - 5), {"auth": "role-mismatch", "line": 2, "where": "ledger.jsonl line 2"}),
		],
	)
	d := decide(w)
	d.allowed == true
	d.satisfied == [{"blocker_id": "B", "grants": ["G1"]}]
	d.warnings == [
		{"code": "revoke-without-effect", "message": "ledger.jsonl line 2: revoke R1 of grant G1 has no effect (role-mismatch)"},
		{"code": "revoke-without-effect", "message": "ledger.jsonl line 3: revoke R2 of grant G1 has no effect (unknown-key)"},
	]
}

test_revoke_by_another_role_warns_revoke_without_effect if {
	w := world([all_of("B", ["owner"], ["apply"])], [grant("G1", "owner", ["B"], now - 10)], [revoke("R1", "operator", "G1", now - 5)])
	decide(w).allowed == true
	decide(w).warnings == [{"code": "revoke-without-effect", "message": "ledger.jsonl R1: revoke R1 of grant G1 has no effect (other-role: operator, not the grant's owner)"}]
}

# Issued after `at` and from another role: it will never take effect, so it warns already.
test_revoke_by_another_role_warns_even_before_it_is_issued if {
	w := world([all_of("B", ["owner"], ["apply"])], [grant("G1", "owner", ["B"], now - 10)], [revoke("R1", "operator", "G1", now + 5)])
	[x.code | some x in decide(w).warnings] == ["revoke-without-effect"]
}

# Only time stands in its way: no warning, before or after it takes effect.
test_revoke_by_the_grants_role_gives_no_warning_early_or_late if {
	late := world([all_of("B", ["owner"], ["apply"])], [grant("G1", "owner", ["B"], now - 10)], [revoke("R1", "owner", "G1", now + 5)])
	decide(late).warnings == []
	decide(late).allowed == true
	effective := world([all_of("B", ["owner"], ["apply"])], [grant("G1", "owner", ["B"], now - 10)], [revoke("R1", "owner", "G1", now - 5)])
	decide(effective).warnings == []
	decide(effective).allowed == false
}

test_inauthentic_revoke_before_at_of_own_role_warns_with_its_auth_only if {
	w := world([all_of("B", ["owner"], ["apply"])], [grant("G1", "owner", ["B"], now - 10)], [object.union(revoke("R1", "operator", "G1", now + 5), {"auth": "unknown-key"})])
	decide(w).warnings == [{"code": "revoke-without-effect", "message": "ledger.jsonl R1: revoke R1 of grant G1 has no effect (unknown-key)"}]
}

test_warnings_sorted_by_code_then_message if {
	w := object.union(
		world(
			[all_of("B", ["owner"], ["apply"]), all_of("Z", ["owner"], ["nowhere"]), all_of("A", ["owner"], [])],
			[grant("G1", "owner", ["B"], now - 10)],
			[object.union(revoke("R1", "owner", "G1", now - 5), {"auth": "role-mismatch"}), revoke("R0", "dba", "G1", now - 5)],
		),
		{"ledger": {"verified": false}},
	)
	decide(w).warnings == [
		{"code": "blocker-applies-nowhere", "message": "map.json line 1: blocker A applies nowhere: it has no tags"},
		{"code": "blocker-applies-nowhere", "message": "map.json line 1: blocker Z applies nowhere: no catalog action or environment carries any of its tags (nowhere)"},
		{"code": "ledger-not-verified", "message": "signatures were not checked (--insecure-no-verify): every ledger entry counts with its own role"},
		{"code": "revoke-without-effect", "message": "ledger.jsonl R0: revoke R0 of grant G1 has no effect (other-role: dba, not the grant's owner)"},
		{"code": "revoke-without-effect", "message": "ledger.jsonl R1: revoke R1 of grant G1 has no effect (role-mismatch)"},
	]
}

test_blocker_applies_nowhere_for_every_loaded_blocker_whatever_the_request if {
	# Tags of no catalog entry, resolved by the map or not; a blocker with one known tag is fine.
	w := world_resolved(
		[all_of("B", ["owner"], ["aply"]), all_of("C", ["owner"], ["prod", "staging"]), all_of("D", ["owner"], ["prod", "apply"])],
		[],
		["C"],
	)
	expected := [
		{"code": "blocker-applies-nowhere", "message": "map.json line 1: blocker B applies nowhere: no catalog action or environment carries any of its tags (aply)"},
		{"code": "blocker-applies-nowhere", "message": "map.json line 1: blocker C applies nowhere: no catalog action or environment carries any of its tags (prod, staging)"},
	]
	decide(w).warnings == expected
	decide_for(w, {"action": "permit", "environment": "development", "at": now}).warnings == expected

	# An unknown request still gets them: warnings never change allowed.
	d := decide_for(w, {"action": "deploy", "environment": "staging", "at": now})
	d.allowed == false
	d.warnings == expected
}

test_blocker_applies_nowhere_follows_the_catalog if {
	catalog := {"actions": {"apply": {"tags": ["apply"]}, "aply": {"tags": []}}, "environments": {"production": {"tags": ["staging"]}}}
	w := make_world(catalog, [all_of("B", ["owner"], ["staging"]), all_of("C", ["owner"], ["production"])], [], [])
	[x.message | some x in decide(w).warnings] == ["map.json line 1: blocker C applies nowhere: no catalog action or environment carries any of its tags (production)"]
}

# --- the decision's helper rules, directly ---------------------------------------------------

# B (owner + operator, evidence) after P (sec, direct time -50): owner's grant lacks evidence,
# operator's is too early; C (auditor) has no grant; G-x is expired and names B and C.
reasons_world := world(
	[
		needs_evidence(after(all_of("B", ["operator", "owner"], ["apply"]), ["P"])),
		all_of("P", ["sec"], ["permit"]),
		all_of("C", ["auditor"], ["production"]),
	],
	[
		grant("P-sec", "sec", ["P"], now - 50),
		grant("G-owner", "owner", ["B"], now - 10),
		with_evidence(grant("G-operator", "operator", ["B"], now - 60)),
		object.union(grant("G-x", "auditor", ["B", "C"], now - 10), {"expires_at": now - 1}),
	],
	[object.union(revoke("R-1", "owner", "G-owner", now - 5), {"auth": "unknown-key"})],
)

test_missing_role_reason_function if {
	blockgate.missing_role_reason(reasons_world.blockers.B, "owner") == "evidence-missing" with data.world as reasons_world with input as request
	blockgate.missing_role_reason(reasons_world.blockers.B, "operator") == "grant-too-early" with data.world as reasons_world with input as request
	blockgate.missing_role_reason(reasons_world.blockers.C, "auditor") == "missing-grant" with data.world as reasons_world with input as request
}

test_denial_reasons_rule if {
	blockgate.denial_reasons == {"B": {"evidence-missing", "grant-too-early"}, "C": {"missing-grant"}} with data.world as reasons_world with input as request
}

test_denial_function if {
	blockgate.denial("C") == denial_of(reasons_world.blockers.C, ["auditor"], ["missing-grant"]) with data.world as reasons_world with input as request
	blockgate.denial("B") == denial_of(reasons_world.blockers.B, ["operator", "owner"], ["evidence-missing", "grant-too-early"]) with data.world as reasons_world with input as request
}

test_grant_ignored_rule if {
	blockgate.grant_ignored == {
		["G-owner", "evidence-missing", "B"],
		["G-operator", "too-early", "B"],
		["G-x", "expired", "B"],
		["G-x", "expired", "C"],
	} with data.world as reasons_world with input as request
}

test_ignored_grants_rule if {
	blockgate.ignored_grants == [
		{"grant_id": "G-operator", "blocker_ids": ["B"], "reason": "too-early"},
		{"grant_id": "G-owner", "blocker_ids": ["B"], "reason": "evidence-missing"},
		{"grant_id": "G-x", "blocker_ids": ["B", "C"], "reason": "expired"},
	] with data.world as reasons_world with input as request
}

test_verification_warnings_rule if {
	blockgate.verification_warnings == [] with data.world as reasons_world with input as request
	[w.code | some w in blockgate.verification_warnings] == ["ledger-not-verified"] with data.world as object.union(reasons_world, {"ledger": {"verified": false}}) with input as request
}

test_revoke_without_effect_warnings_rule if {
	message := "ledger.jsonl R-1: revoke R-1 of grant G-owner has no effect (unknown-key)"
	blockgate.revoke_without_effect_warnings == [{"code": "revoke-without-effect", "message": message}] with data.world as reasons_world with input as request
}

# "names a grant of an applicable blocker": not a prerequisite's, nor one of a blocker that does not apply.
test_revoke_warning_only_for_grants_of_applicable_blockers if {
	w := world(
		[after(all_of("B", ["owner"], ["apply"]), ["P"]), all_of("P", ["owner"], ["permit"])],
		[grant("G1", "owner", ["P"], now - 10)],
		[revoke("R1", "operator", "G1", now - 5)],
	)
	decide(w).warnings == []
	message := "ledger.jsonl R1: revoke R1 of grant G1 has no effect (other-role: operator, not the grant's owner)"
	decide_for(w, {"action": "permit", "environment": "staging", "at": now}).warnings == [{"code": "revoke-without-effect", "message": message}]
}

# One warning per revoke, however many applicable blockers its grant resolves.
test_revoke_warning_once_per_revoke if {
	w := world(
		[all_of("A", ["owner"], ["apply"]), all_of("B", ["owner"], ["production"])],
		[grant("G1", "owner", ["A", "B"], now - 10)],
		[revoke("R1", "operator", "G1", now - 5)],
	)
	count(decide(w).warnings) == 1
}

# --- ignored grants sorted block by block (data.world.grant_sort_block) -------------------------

# Seven ignored grants with two reasons each for some: ids chosen so that string order is not
# the order they were written in.
sort_block_world := world(
	[all_of("B", ["owner"], ["apply"]), all_of("C", ["auditor"], ["production"])],
	[
		grant("G10", "operator", ["B", "C"], now - 10),
		grant("G2", "operator", ["B"], now - 10),
		grant("G1", "operator", ["C"], now - 10),
		object.union(grant("G3", "owner", ["C"], now - 10), {"auth": "unknown-key"}),
		grant("A9", "owner", ["C"], now - 10),
		object.union(grant("Z1", "owner", ["B"], now + 10), {}),
		grant("G20", "sec", ["B", "C"], now - 10),
	],
	[],
)

test_ignored_grants_sorted_the_same_with_and_without_sort_blocks if {
	plain := decide(sort_block_world).ignored_grants

	# Blocks of two, in byte order of the ids: A9 G1 | G10 G2 | G20 G3 | Z1.
	blocks := {"A9": 0, "G1": 0, "G10": 1, "G2": 1, "G20": 2, "G3": 2, "Z1": 3}
	blocked := decide(object.union(sort_block_world, {"grant_sort_block": blocks})).ignored_grants
	blocked == plain
	[g.grant_id | some g in plain] == ["A9", "G1", "G10", "G2", "G20", "G3", "Z1"]
	plain[2] == {"grant_id": "G10", "blocker_ids": ["B", "C"], "reason": "role-not-required"}
	plain[5] == {"grant_id": "G3", "blocker_ids": ["C"], "reason": "unknown-key"}
	plain[6] == {"grant_id": "Z1", "blocker_ids": ["B"], "reason": "not-yet-valid"}
}
