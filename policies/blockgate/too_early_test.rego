# The instant a too-early grant's blocker had its prerequisites met (SPEC 2.3 T(b)), beside the
# decision's SPEC 3 keys and never inside a denial.
package blockgate_test

spec_decision_keys := {"allowed", "denials", "satisfied", "ignored_grants", "warnings"}

spec_denial_keys := {"kind", "blocker_id", "item", "next_action", "actor_needed", "blocks", "required_roles", "mode", "missing_roles", "reasons", "source"}

test_prerequisites_met_at_of_a_too_early_grant if {
	b := after(all_of("B", ["owner"], ["apply"]), ["P"])
	w := world(
		[b, all_of("P", ["sec"], ["permit"])],
		[grant("P-sec", "sec", ["P"], now - 50), grant("B-owner", "owner", ["B"], now - 51)],
		[],
	)
	d := decide(w)
	d.prerequisites_met_at == {"B": now - 50}
	d.denials == [denial_of(b, ["owner"], ["grant-too-early"])]
}

test_prerequisites_met_at_mode_all_prerequisite_is_its_latest_roles_earliest_grant if {
	# P (mode all): sec's earliest at -200, operator's earliest at -100 (a later one at -90): met at -100.
	b := after(all_of("B", ["owner"], ["apply"]), ["P"])
	w := world(
		[b, all_of("P", ["operator", "sec"], ["permit"])],
		[
			grant("P-sec", "sec", ["P"], now - 200), grant("P-operator", "operator", ["P"], now - 100),
			grant("P-operator-2", "operator", ["P"], now - 90), grant("B-owner", "owner", ["B"], now - 150),
		],
		[],
	)
	decide(w).prerequisites_met_at == {"B": now - 100}
}

test_prerequisites_met_at_mode_any_prerequisite_is_its_earliest_grant if {
	# P (mode any): its earliest qualifying grant, at -200; the owner grant at -250 is earlier still.
	b := after(all_of("B", ["owner"], ["apply"]), ["P"])
	w := world(
		[b, any_of("P", ["operator", "sec"], ["permit"])],
		[grant("P-sec", "sec", ["P"], now - 200), grant("P-operator", "operator", ["P"], now - 100), grant("B-owner", "owner", ["B"], now - 250)],
		[],
	)
	decide(w).prerequisites_met_at == {"B": now - 200}
}

test_prerequisites_met_at_is_the_latest_of_several_prerequisites if {
	b := after(any_of("B", ["operator", "owner"], ["apply"]), ["P1", "P2", "P3"])
	w := world(
		[b, all_of("P1", ["sec"], ["permit"]), any_of("P2", ["ci", "sec"], ["permit"]), all_of("P3", ["ci", "sec"], ["permit"])],
		[
			grant("P1-sec", "sec", ["P1"], now - 300),
			grant("P2-ci", "ci", ["P2"], now - 40), grant("P2-sec", "sec", ["P2"], now - 400),
			grant("P3-ci", "ci", ["P3"], now - 120), grant("P3-sec", "sec", ["P3"], now - 500),
			grant("B-owner", "owner", ["B"], now - 130),
		],
		[],
	)

	# P1 at -300, P2 (any) at -400, P3 (all) at -120: the latest, -120, wins.
	d := decide(w)
	d.prerequisites_met_at == {"B": now - 120}
	d.denials == [denial_of(b, ["operator", "owner"], ["grant-too-early", "missing-grant"])]
}

test_prerequisites_met_at_only_for_blockers_with_a_too_early_grant if {
	# B1's grant is too early; B2 has no grant at all (missing-grant) though its prerequisite is met.
	b1 := after(all_of("B1", ["owner"], ["apply"]), ["P"])
	b2 := after(all_of("B2", ["operator"], ["apply"]), ["P"])
	w := world(
		[b1, b2, all_of("P", ["sec"], ["permit"])],
		[grant("P-sec", "sec", ["P"], now - 50), grant("B1-owner", "owner", ["B1"], now - 60)],
		[],
	)
	decide(w).prerequisites_met_at == {"B1": now - 50}
}

test_no_prerequisites_met_at_without_a_too_early_grant if {
	# A counting grant (allowed), or prerequisites not met: the decision has SPEC 3's keys only.
	b := after(all_of("B", ["owner"], ["apply"]), ["P"])
	allowed := decide(world(
		[b, all_of("P", ["sec"], ["permit"])],
		[grant("P-sec", "sec", ["P"], now - 50), grant("B-owner", "owner", ["B"], now - 10)],
		[],
	))
	allowed.allowed == true
	object.keys(allowed) == spec_decision_keys
	unmet := decide(world([b, all_of("P", ["sec"], ["permit"])], [grant("B-owner", "owner", ["B"], now - 10)], []))
	object.keys(unmet) == spec_decision_keys
}

test_a_too_early_decision_keeps_spec_shapes_beside_the_instant if {
	b := after(all_of("B", ["owner"], ["apply"]), ["P"])
	w := world(
		[b, all_of("P", ["sec"], ["permit"])],
		[grant("P-sec", "sec", ["P"], now - 50), grant("B-owner", "owner", ["B"], now - 51)],
		[],
	)
	d := decide(w)
	object.keys(d) == spec_decision_keys | {"prerequisites_met_at"}
	every denial in d.denials {
		object.keys(denial) == spec_denial_keys
	}
}
