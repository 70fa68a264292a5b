# SPEC 2.1: grants in force, revokes, and the order of the reasons a grant is not in force.
package blockgate_test

import data.blockgate

# One owner blocker on `apply`: grant_status reads only the revokes and the request.
status_world(g, revokes) := world([all_of("B", ["owner"], ["apply"])], [g], revokes)

status_of(g, revokes) := status if {
	status := blockgate.grant_status(g) with data.world as status_world(g, revokes) with input as request
}

status_for(g, revokes, req) := status if {
	status := blockgate.grant_status(g) with data.world as status_world(g, revokes) with input as req
}

# A grant that fails every later check too: expired, not yet valid, other action,
# environment and target, revoked by its own role. Each test removes the earlier failures.
broken := object.union(grant("G1", "owner", ["B"], now + 10), {
	"expires_at": now - 1,
	"action": "permit",
	"environment": "staging",
	"target": "QT002",
})

broken_revokes := [revoke("R1", "owner", "G1", now - 5)]

# --- precedence, SPEC 2.4 order -------------------------------------------------------------

test_grant_status_unknown_key_comes_first if {
	status_of(object.union(broken, {"auth": "unknown-key"}), broken_revokes) == "unknown-key"
}

test_grant_status_role_mismatch_comes_first if {
	status_of(object.union(broken, {"auth": "role-mismatch"}), broken_revokes) == "role-mismatch"
}

test_grant_status_revoked_before_expired if {
	status_of(broken, broken_revokes) == "revoked"
}

test_grant_status_expired_before_not_yet_valid if {
	status_of(broken, []) == "expired"
}

test_grant_status_not_yet_valid_before_other_action if {
	status_of(object.remove(broken, ["expires_at"]), []) == "not-yet-valid"
}

test_grant_status_other_action_before_other_environment if {
	g := object.union(object.remove(broken, ["expires_at"]), {"issued_at": now - 10})
	status_of(g, []) == "other-action"
}

test_grant_status_other_environment_before_other_target if {
	g := object.union(object.remove(broken, ["expires_at"]), {"issued_at": now - 10, "action": "apply"})
	status_of(g, []) == "other-environment"
}

test_grant_status_other_target if {
	g := object.union(grant("G1", "owner", ["B"], now - 10), {"target": "QT002"})
	status_for(g, [], request_for_target("QT001")) == "other-target"
}

test_grant_status_target_on_grant_but_not_on_request_is_other_target if {
	g := object.union(grant("G1", "owner", ["B"], now - 10), {"target": "QT001"})
	status_of(g, []) == "other-target"
}

test_grant_status_in_force_for_its_target if {
	g := object.union(grant("G1", "owner", ["B"], now - 10), {"target": "QT001"})
	status_for(g, [], request_for_target("QT001")) == "in-force"
}

test_grant_status_without_target_is_in_force_for_any_target if {
	status_for(grant("G1", "owner", ["B"], now - 10), [], request_for_target("QT001")) == "in-force"
}

test_grant_status_in_force if {
	g := object.union(grant("G1", "owner", ["B"], now - 10), {"expires_at": now + 10})
	status_of(g, []) == "in-force"
}

# --- time edges ------------------------------------------------------------------------------

test_grant_issued_exactly_at_request_time_is_in_force if {
	status_of(grant("G1", "owner", ["B"], now), []) == "in-force"
}

test_grant_issued_one_ms_after_request_time_is_not_yet_valid if {
	status_of(grant("G1", "owner", ["B"], now + 1), []) == "not-yet-valid"
}

test_grant_expiring_exactly_at_request_time_is_expired if {
	status_of(object.union(grant("G1", "owner", ["B"], now - 10), {"expires_at": now}), []) == "expired"
}

test_grant_expiring_one_ms_after_request_time_is_in_force if {
	status_of(object.union(grant("G1", "owner", ["B"], now - 10), {"expires_at": now + 1}), []) == "in-force"
}

# --- revokes ---------------------------------------------------------------------------------

test_revoke_by_the_grants_role_revokes if {
	status_of(grant("G1", "owner", ["B"], now - 10), [revoke("R1", "owner", "G1", now - 5)]) == "revoked"
}

test_revoke_by_another_role_is_ignored if {
	status_of(grant("G1", "owner", ["B"], now - 10), [revoke("R1", "operator", "G1", now - 5)]) == "in-force"
}

test_revoke_issued_after_request_time_is_not_effective if {
	status_of(grant("G1", "owner", ["B"], now - 10), [revoke("R1", "owner", "G1", now + 1)]) == "in-force"
}

test_revoke_issued_exactly_at_request_time_is_effective if {
	status_of(grant("G1", "owner", ["B"], now - 10), [revoke("R1", "owner", "G1", now)]) == "revoked"
}

test_every_inauthentic_revoke_is_ignored if {
	every auth in ["unknown-key", "role-mismatch"] {
		r := object.union(revoke("R1", "owner", "G1", now - 5), {"auth": auth})
		status_of(grant("G1", "owner", ["B"], now - 10), [r]) == "in-force"
	}
}

test_revoke_of_one_grant_leaves_another_in_force if {
	w := world([all_of("B", ["owner"], ["apply"])], [grant("G1", "owner", ["B"], now - 10), grant("G2", "owner", ["B"], now - 10)], [revoke("R1", "owner", "G1", now - 5)])
	blockgate.grant_in_force == {"G2"} with data.world as w with input as request
}

test_grant_revoked_rule if {
	g := grant("G1", "owner", ["B"], now - 10)
	blockgate.grant_revoked(g) with data.world as status_world(g, [revoke("R1", "owner", "G1", now)]) with input as request
	not blockgate.grant_revoked(g) with data.world as status_world(g, [revoke("R1", "owner", "G1", now + 1)]) with input as request
	not blockgate.grant_revoked(g) with data.world as status_world(g, []) with input as request
}

test_grant_expired_rule if {
	blockgate.grant_expired({"expires_at": now}) with input as request
	not blockgate.grant_expired({"expires_at": now + 1}) with input as request
	not blockgate.grant_expired({}) with input as request
}

test_target_matches_rule if {
	blockgate.target_matches({}) with input as request
	blockgate.target_matches({"target": "QT001"}) with input as request_for_target("QT001")
	not blockgate.target_matches({"target": "QT001"}) with input as request
	not blockgate.target_matches({"target": "QT001"}) with input as request_for_target("qt001")
}

# --- what-if revokes (SPEC 3 `what-if --revoke ID`) -----------------------------------------

# A grant's status with what-if revokes (and no ledger revokes) at `at`.
what_if_status(g, what_ifs, at) := status if {
	w := with_what_if_revokes(status_world(g, []), what_ifs)
	status := blockgate.grant_status(g) with data.world as w with input as object.union(request, {"at": at})
}

test_what_if_revoke_takes_effect_from_its_instant if {
	g := grant("G1", "owner", ["B"], now - 10)
	what_if_status(g, [what_if_revoke("G1", now)], now - 1) == "in-force"
	what_if_status(g, [what_if_revoke("G1", now)], now) == "revoked"
	what_if_status(g, [what_if_revoke("G1", now)], now + 1) == "revoked"
}

# It names no role: it acts as the grant's own role, whichever that is.
test_what_if_revoke_acts_as_the_grants_own_role if {
	every role in ["operator", "owner", "release manager"] {
		what_if_status(grant("G1", role, ["B"], now - 10), [what_if_revoke("G1", now - 5)], now) == "revoked"
	}
}

test_what_if_revoke_of_another_grant_leaves_this_one_in_force if {
	what_if_status(grant("G1", "owner", ["B"], now - 10), [what_if_revoke("G2", now - 5)], now) == "in-force"
}

# An ignored grant stays ignored for its key, as under a ledger revoke.
test_what_if_revoke_leaves_an_inauthentic_grant_ignored_for_its_key if {
	every auth in ["unknown-key", "role-mismatch"] {
		g := object.union(grant("G1", "owner", ["B"], now - 10), {"auth": auth})
		what_if_status(g, [what_if_revoke("G1", now - 5)], now) == auth
	}
}

test_what_if_revoke_comes_before_expiry_and_every_later_reason if {
	what_if_status(broken, [what_if_revoke("G1", now - 5)], now) == "revoked"
}

test_what_if_revoke_beside_a_ledger_revoke_of_another_role if {
	g := grant("G1", "owner", ["B"], now - 10)
	w := with_what_if_revokes(status_world(g, [revoke("R1", "operator", "G1", now - 8)]), [what_if_revoke("G1", now - 5)])
	blockgate.grant_status(g) == "in-force" with data.world as w with input as object.union(request, {"at": now - 6})
	blockgate.grant_status(g) == "revoked" with data.world as w with input as request
}

# The decision: the grant no longer counts, is ignored as revoked, and no revoke warning is given
# (the what-if revoke is its own role's; only the ledger revoke of another role is warned of).
test_what_if_revoke_in_a_decision if {
	b := all_of("B", ["owner"], ["apply"])
	w := with_what_if_revokes(
		world([b], [grant("G1", "owner", ["B"], now - 10)], [revoke("R1", "operator", "G1", now - 8)]),
		[what_if_revoke("G1", now - 5)],
	)
	d := decide(w)
	d.allowed == false
	d.denials == [denial_of(b, ["owner"], ["missing-grant"])]
	d.ignored_grants == [{"grant_id": "G1", "blocker_ids": ["B"], "reason": "revoked"}]
	[warning.code | some warning in d.warnings] == ["revoke-without-effect"]
	decide(object.remove(w, ["hypothetical_revokes"])).allowed == true
}

# --- grant_in_force, evidence, qualifying ----------------------------------------------------

# B applies to production apply; P is its prerequisite on `permit`; X does not apply at all.
qualifying_world := world(
	[
		after(all_of("B", ["owner"], ["apply"]), ["P"]),
		all_of("P", ["sec"], ["permit"]),
		all_of("X", ["owner"], ["permit"]),
	],
	[
		grant("G-in", "owner", ["B"], now - 10),
		object.union(grant("G-expired", "owner", ["B"], now - 10), {"expires_at": now - 1}),
		grant("G-prereq", "sec", ["P"], now - 10),
		grant("G-unrelated", "owner", ["X"], now - 10),
	],
	[],
)

test_grant_in_force_covers_grants_of_applicable_blockers_and_their_prerequisites if {
	blockgate.grant_in_force == {"G-in", "G-prereq"} with data.world as qualifying_world with input as request
}

test_evidence_ok_rule if {
	blockgate.evidence_ok({"has_evidence": false}, {"evidence_required": false})
	blockgate.evidence_ok({"has_evidence": true}, {"evidence_required": true})
	not blockgate.evidence_ok({"has_evidence": false}, {"evidence_required": true})
}

test_grant_qualifies_when_in_force_named_by_role_with_evidence if {
	blockgate.grant_qualifies("G-in", qualifying_world.blockers.B) with data.world as qualifying_world with input as request
	blockgate.grant_qualifies("G-prereq", qualifying_world.blockers.P) with data.world as qualifying_world with input as request
}

test_grant_does_not_qualify_when_not_in_force if {
	not blockgate.grant_qualifies("G-expired", qualifying_world.blockers.B) with data.world as qualifying_world with input as request
}

test_grant_does_not_qualify_for_a_blocker_it_does_not_name if {
	not blockgate.grant_qualifies("G-prereq", qualifying_world.blockers.B) with data.world as qualifying_world with input as request
}

test_grant_does_not_qualify_for_a_role_not_required if {
	w := world([all_of("B", ["owner"], ["apply"])], [grant("G1", "operator", ["B"], now - 10)], [])
	not blockgate.grant_qualifies("G1", w.blockers.B) with data.world as w with input as request
}

test_grant_without_evidence_does_not_qualify_where_evidence_is_required if {
	w := world([needs_evidence(all_of("B", ["owner"], ["apply"]))], [grant("G1", "owner", ["B"], now - 10), with_evidence(grant("G2", "owner", ["B"], now - 10))], [])
	not blockgate.grant_qualifies("G1", w.blockers.B) with data.world as w with input as request
	blockgate.grant_qualifies("G2", w.blockers.B) with data.world as w with input as request
}

test_role_grants_in_force_is_one_roles_in_force_grants_for_the_blocker if {
	w := world(
		[all_of("B", ["operator", "owner"], ["apply"])],
		[
			grant("G1", "owner", ["B"], now - 10),
			grant("G2", "owner", ["B"], now - 5),
			object.union(grant("G3", "owner", ["B"], now - 10), {"expires_at": now}),
			grant("G4", "operator", ["B"], now - 10),
		],
		[],
	)
	blockgate.role_grants_in_force(w.blockers.B, "owner") == {"G1", "G2"} with data.world as w with input as request
	blockgate.role_grants_in_force(w.blockers.B, "operator") == {"G4"} with data.world as w with input as request
	blockgate.role_grants_in_force(w.blockers.B, "sec") == set() with data.world as w with input as request
}
