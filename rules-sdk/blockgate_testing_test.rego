# The rule authors' test helper (blockgate_testing.rego), checked against the real core policy.
package blockgate.testing_test

import data.blockgate
import data.blockgate.testing

at := 1798761600000

decide(w, req) := d if {
	d := blockgate.decision with data.world as w with input as req
}

view(w, req) := v if {
	v := blockgate.view with data.world as w with input as req
}

b1 := testing.blocker("B-1", ["owner", "operator"], ["production"])

owner_grant := testing.grant("G-1", "owner", "apply", "production", ["B-1"], at - 10)

operator_grant := testing.grant("G-2", "operator", "apply", "production", ["B-1"], at - 5)

req := testing.request("apply", "production", at)

test_blocker_is_mode_all_with_sorted_roles_and_tags if {
	b := testing.blocker("B-9", ["owner", "operator"], ["production", "apply"])
	b.mode == "all"
	b.roles == ["operator", "owner"]
	b.tags == ["apply", "production"]
	b.actor_needed == "operator + owner"
	b.evidence_required == false
	b.after == []
}

test_any_role_needs_evidence_after if {
	b := testing.after(testing.needs_evidence(testing.any_role(b1)), ["B-0"])
	b.mode == "any"
	b.actor_needed == "operator or owner"
	b.evidence_required == true
	b.after == ["B-0"]
}

test_grant_is_authentic_with_key_and_principal if {
	owner_grant.auth == "ok"
	owner_grant.key == "key-owner"
	owner_grant.principal == "key-owner"
	owner_grant.evidence == []
	not "target" in object.keys(owner_grant)
	not "expires_at" in object.keys(owner_grant)
}

test_grant_modifiers if {
	e := [{"uri": "https://docs.example/x", "sha256": "0"}]
	g := testing.with_target(testing.with_principal(testing.with_evidence(testing.expiring(owner_grant, at), e), "Alice"), "QT001")
	g.expires_at == at
	g.evidence == e
	g.has_evidence == true
	g.principal == "Alice"
	g.target == "QT001"
}

test_request_has_no_target_unless_given if {
	req == {"action": "apply", "environment": "production", "at": at}
	testing.with_target(req, "QT001").target == "QT001"
}

test_now_ns_is_at_in_ns if {
	testing.now_ns(req) == at * 1000000
	ns := time.now_ns() with time.now_ns as testing.now_ns(req)
	ns == 1798761600000000000
}

# The world is complete: the core policy decides on it.
test_world_denies_without_grants_and_allows_with_them if {
	denied := decide(testing.world([b1], [owner_grant]), req)
	denied.allowed == false
	[d.missing_roles | some d in denied.denials] == [["operator"]]
	allowed := decide(testing.world([b1], [owner_grant, operator_grant]), req)
	allowed.allowed == true
	allowed.satisfied == [{"blocker_id": "B-1", "grants": ["G-1", "G-2"]}]
}

test_world_indexes if {
	w := testing.world([b1, testing.blocker("B-2", ["owner"], ["apply", "production"])], [owner_grant, operator_grant])
	w.blockers_by_tag == {"production": ["B-1", "B-2"], "apply": ["B-2"]}
	w.grants_by_blocker == {"B-1": ["G-1", "G-2"]}
	w.catalog == testing.catalog
	w.ledger.verified == true
}

test_world_gives_the_view if {
	v := view(testing.world([b1], [owner_grant, testing.with_principal(operator_grant, "Alice")]), req)
	v.applicable == ["B-1"]
	v.satisfied == {"B-1": ["G-1", "G-2"]}
	v.grants["G-2"].principal == "Alice"
	v.grants["G-1"].principal == "key-owner"
}

test_world_expiry_and_target_count_as_in_blockgate if {
	w := testing.world([b1], [testing.expiring(owner_grant, at), testing.with_target(operator_grant, "QT002")])
	v := view(w, testing.with_target(req, "QT001"))
	v.grants == {}
	decide(w, req).allowed == false
}

test_blockers_allow if {
	testing.blockers_allow(testing.world([b1], [owner_grant, operator_grant]), req)
	not testing.blockers_allow(testing.world([b1], [owner_grant]), req)
	not testing.blockers_allow(testing.world([b1], [owner_grant, operator_grant]), testing.request("apply", "nowhere", at))
}
