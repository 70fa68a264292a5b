# Maximum grant lifetime (14 days in data.json) against the real core policy.
package blockgate_rules_test.max_grant_lifetime

import data.blockgate.rules
import data.blockgate.testing

at := 1798761600000

issued := at - 1000

day := 86400000

prod := testing.request("apply", "production", at)

staging := testing.request("apply", "staging", at)

b1 := testing.blocker("B-1", ["owner", "operator"], ["apply"])

owner(expires) := testing.expiring(testing.grant("G-OWN", "owner", "apply", "production", ["B-1"], issued), expires)

operator := testing.expiring(testing.grant("G-OP", "operator", "apply", "production", ["B-1"], issued), issued + day)

in_env(g, env) := object.union(g, {"environment": env})

lifetime_denials(w, req) := {d | some d in denials; d.id == "max-grant-lifetime"} if {
	denials := rules.deny with data.world as w with input as req
}

lifetime_warnings(w, req) := {x | some x in warnings; x.id == "max-grant-lifetime-warning"} if {
	warnings := rules.warn with data.world as w with input as req
}

test_a_grant_without_expiry_is_denied_though_the_blockers_allow if {
	w := testing.world([b1], [testing.grant("G-OWN", "owner", "apply", "production", ["B-1"], issued), operator])
	testing.blockers_allow(w, prod)
	lifetime_denials(w, prod) == {{
		"id": "max-grant-lifetime",
		"message": "blocker B-1 is satisfied only by grants valid for longer than 14 days: G-OWN (no expires_at)",
		"next_action": "grant B-1 again (operator + owner) with an expires_at at most 14 days after its issued_at",
	}}
}

test_exactly_the_maximum_passes if {
	w := testing.world([b1], [owner((issued + (14 * day)) - 0), operator])
	count(lifetime_denials(w, prod)) == 0
}

test_one_ms_over_the_maximum_is_denied if {
	w := testing.world([b1], [owner((issued + (14 * day)) + 1), operator])
	[d.message | some d in lifetime_denials(w, prod)] == ["blocker B-1 is satisfied only by grants valid for longer than 14 days: G-OWN (1209600001 ms)"]
}

test_staging_warns_instead if {
	w := testing.world([b1], [in_env(owner(issued + (15 * day)), "staging"), in_env(operator, "staging")])
	testing.blockers_allow(w, staging)
	count(lifetime_denials(w, staging)) == 0
	lifetime_warnings(w, staging) == {{
		"id": "max-grant-lifetime-warning",
		"message": "blocker B-1 is satisfied only by grants valid for longer than 14 days: G-OWN (1296000000 ms) (denied in production)",
	}}
}

test_production_does_not_warn if {
	w := testing.world([b1], [owner(issued + (15 * day)), operator])
	count(lifetime_warnings(w, prod)) == 0
	count(lifetime_denials(w, prod)) == 1
}

# A long grant that another counting grant of its role makes redundant changes nothing.
test_a_redundant_long_grant_is_harmless if {
	short_owner := testing.expiring(testing.grant("G-OWN-2", "owner", "apply", "production", ["B-1"], issued), issued + day)
	w := testing.world([b1], [owner(issued + (30 * day)), short_owner, operator])
	count(lifetime_denials(w, prod)) == 0
}

test_mode_any_needs_one_role_within_the_lifetime if {
	w := testing.world([testing.any_role(b1)], [owner(issued + (30 * day)), operator])
	count(lifetime_denials(w, prod)) == 0
	w2 := testing.world([testing.any_role(b1)], [owner(issued + (30 * day))])
	count(lifetime_denials(w2, prod)) == 1
}

test_unsatisfied_blockers_are_left_to_the_blocker_decision if {
	w := testing.world([b1], [owner(issued + (30 * day))])
	not testing.blockers_allow(w, prod)
	count(lifetime_denials(w, prod)) == 0
}

test_max_days_from_config if {
	w := testing.world([b1], [owner(issued + (15 * day)), operator])
	cfg := {"max_days": 20, "deny_environments": ["production"]}
	denials := lifetime_denials(w, prod) with data.blockgate_rules_config.max_grant_lifetime as cfg
	count(denials) == 0
}
