# Separation of duties against the real core policy.
package blockgate_rules_test.separation_of_duties

import data.blockgate.rules
import data.blockgate.testing

at := 1798761600000

req := testing.request("apply", "production", at)

two_roles := testing.blocker("B-TWO", ["owner", "operator"], ["production"])

grant(id, role, principal) := testing.with_principal(testing.grant(id, role, "apply", "production", ["B-TWO", "B-THREE"], at - 10), principal)

sod_denials(w) := {d | some d in denials; d.id == "separation-of-duties"} if {
	denials := rules.deny with data.world as w with input as req
}

test_one_principal_holding_both_keys_is_denied_though_the_blockers_allow if {
	w := testing.world([two_roles], [grant("G-1", "owner", "alice"), grant("G-2", "operator", "alice")])
	testing.blockers_allow(w, req)
	sod_denials(w) == {{
		"id": "separation-of-duties",
		"message": "blocker B-TWO needs its 2 roles held by as many different principals, but its counting grants come from: operator: alice; owner: alice",
		"next_action": "have a different principal grant one of operator, owner for B-TWO",
	}}
}

test_two_principals_pass if {
	w := testing.world([two_roles], [grant("G-1", "owner", "alice"), grant("G-2", "operator", "bob")])
	count(sod_denials(w)) == 0
}

# By default (testing.grant) each role's key is its own principal.
test_default_principals_are_key_ids if {
	w := testing.world([two_roles], [
		testing.grant("G-1", "owner", "apply", "production", ["B-TWO"], at - 10),
		testing.grant("G-2", "operator", "apply", "production", ["B-TWO"], at - 10),
	])
	count(sod_denials(w)) == 0
}

# Alice and Bob both grant owner, Alice operator: Bob can hold owner and Alice operator.
test_an_assignment_exists if {
	w := testing.world([two_roles], [grant("G-1", "owner", "alice"), grant("G-2", "owner", "bob"), grant("G-3", "operator", "alice")])
	count(sod_denials(w)) == 0
}

three_roles := testing.blocker("B-THREE", ["owner", "operator", "security"], ["production"])

# Three principals in all, yet operator and security come only from Alice: denied (a count of
# distinct principals alone would let this pass).
test_hall_condition_on_a_subset if {
	w := testing.world([three_roles], [
		grant("G-1", "owner", "alice"), grant("G-2", "owner", "bob"), grant("G-3", "owner", "carol"),
		grant("G-4", "operator", "alice"), grant("G-5", "security", "alice"),
	])
	testing.blockers_allow(w, req)
	[d.message | some d in sod_denials(w)] == ["blocker B-THREE needs its 3 roles held by as many different principals, but its counting grants come from: operator: alice; owner: alice, bob, carol; security: alice"]
	w2 := testing.world([three_roles], [grant("G-1", "owner", "alice"), grant("G-4", "operator", "bob"), grant("G-5", "security", "carol")])
	count(sod_denials(w2)) == 0
}

# Only counting grants matter: Bob's operator grant has expired, so Alice holds both roles.
test_only_counting_grants if {
	w := testing.world([two_roles], [
		grant("G-1", "owner", "alice"), grant("G-2", "operator", "alice"),
		testing.expiring(grant("G-3", "operator", "bob"), at),
	])
	count(sod_denials(w)) == 1
}

test_single_role_and_any_mode_are_not_checked if {
	one := testing.blocker("B-TWO", ["owner"], ["production"])
	count(sod_denials(testing.world([one], [grant("G-1", "owner", "alice")]))) == 0
	any := testing.any_role(two_roles)
	count(sod_denials(testing.world([any], [grant("G-1", "owner", "alice"), grant("G-2", "operator", "alice")]))) == 0
}

test_unsatisfied_blockers_are_left_to_the_blocker_decision if {
	w := testing.world([two_roles], [grant("G-1", "owner", "alice")])
	not testing.blockers_allow(w, req)
	count(sod_denials(w)) == 0
}

keyless(g) := object.union(g, {"key": null, "principal": null})

# What-if grants carry no key: together they are one unknown principal.
test_keyless_grants_count_as_one_principal if {
	w := testing.world([two_roles], [keyless(grant("G-1", "owner", "x")), keyless(grant("G-2", "operator", "y"))])
	[d.message | some d in sod_denials(w)] == ["blocker B-TWO needs its 2 roles held by as many different principals, but its counting grants come from: operator: (no key: a what-if grant); owner: (no key: a what-if grant)"]
}
