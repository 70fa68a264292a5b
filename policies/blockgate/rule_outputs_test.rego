# The rules' part of decision, plan and breakpoints (SPEC 6, rule_outputs.rego). A _test.rego
# file cannot define package blockgate.rules without it reaching every other test, so the rules'
# outputs are given by `with blockgate.rules.* as`.
package blockgate_test

import data.blockgate

# Allowed by the blocker map alone: the owner's grant for B.
rules_world := world([all_of("B", ["owner"], ["production"])], [grant("G1", "owner", ["B"], now - 10)], [])

# Denied by the blocker map: D (sec) has no grant.
denied_world := world([all_of("B", ["owner"], ["production"]), all_of("D", ["sec"], ["apply"])], [grant("G1", "owner", ["B"], now - 10)], [])

decide_ruled(w, denies, warns) := d if {
	d := blockgate.decision with data.world as w with input as request
		with blockgate.rules.deny as denies
		with blockgate.rules.warn as warns
}

plan_ruled(w, denies) := p if {
	p := blockgate.plan with data.world as w with input as request with blockgate.rules.deny as denies
}

rule_denial_of(id, message, next_action) := {
	"kind": "rule",
	"blocker_id": id,
	"item": message,
	"next_action": next_action,
	"actor_needed": null,
	"blocks": [],
	"required_roles": [],
	"mode": null,
	"missing_roles": [],
	"reasons": ["rule"],
	"source": null,
}

problem_of(error, output, id, message) := {"error": error, "output": output, "id": id, "message": message}

test_without_rules_the_decision_is_the_blocker_decision if {
	d := decide(rules_world)
	d.allowed == true
	d.denials == []
	not "rule_problems" in object.keys(d)
	p := plan_for(rules_world, request)
	p == {"allowed": true, "grants_needed": [], "unresolvable": []}
	blockgate.rules_allow with data.world as rules_world with input as request
}

test_a_rule_denies_what_the_blockers_allow if {
	d := decide_ruled(rules_world, {{"id": "freeze", "message": "frozen", "next_action": "wait"}}, set())
	d.allowed == false
	d.denials == [rule_denial_of("freeze", "frozen", "wait")]
	d.satisfied == [{"blocker_id": "B", "grants": ["G1"]}]
	not "rule_problems" in object.keys(d)
}

test_next_action_is_null_when_the_rule_gives_none if {
	d := decide_ruled(rules_world, {{"id": "freeze", "message": "frozen"}}, set())
	d.denials == [rule_denial_of("freeze", "frozen", null)]
}

test_an_empty_deny_set_allows if {
	decide_ruled(rules_world, set(), set()).allowed == true
}

# Sorted by id across both kinds; two denials of one rule id by their objects.
test_denials_sorted_by_id_across_kinds if {
	d := decide_ruled(
		denied_world, {
			{"id": "E", "message": "e"},
			{"id": "A", "message": "a2"},
			{"id": "A", "message": "a1"},
			{"id": "C", "message": "c", "next_action": "n"},
		},
		set(),
	)
	d.allowed == false
	[x.blocker_id | some x in d.denials] == ["A", "A", "C", "D", "E"]
	[x.kind | some x in d.denials] == ["rule", "rule", "rule", "blocker", "rule"]
	d.denials[0] == rule_denial_of("A", "a1", null)
	d.denials[1] == rule_denial_of("A", "a2", null)
	d.denials[2] == rule_denial_of("C", "c", "n")
	d.denials[3] == denial_of(denied_world.blockers.D, ["sec"], ["missing-grant"])
}

test_the_plan_lists_a_rule_denial_as_unresolvable if {
	p := plan_ruled(denied_world, {{"id": "A", "message": "a"}, {"id": "A", "message": "again"}, {"id": "Z", "message": "z"}})
	p.allowed == false
	p.unresolvable == [{"blocker_id": "A", "reason": "rule"}, {"blocker_id": "Z", "reason": "rule"}]
	[g.role | some g in p.grants_needed] == ["sec"]
	not "rule_problems" in object.keys(p)
}

test_the_plan_of_a_rule_denial_alone_needs_no_grant if {
	p := plan_ruled(rules_world, {{"id": "freeze", "message": "frozen"}})
	p == {"allowed": false, "grants_needed": [], "unresolvable": [{"blocker_id": "freeze", "reason": "rule"}]}
}

malformed_denies := {
	"not an object": "freeze",
	"no message": {"id": "freeze"},
	"an empty message": {"id": "freeze", "message": ""},
	"a number id": {"id": 7, "message": "m"},
	"an empty id": {"id": "", "message": "m"},
	"an extra key": {"id": "freeze", "message": "m", "severity": "high"},
	"a number next_action": {"id": "freeze", "message": "m", "next_action": 3},
}

test_each_malformed_deny_is_a_rule_error_and_never_allows if {
	every name, deny in malformed_denies {
		d := decide_ruled(rules_world, {deny}, set())
		d.allowed == false
		d.denials == []
		count(d.rule_problems) > 0
		every problem in d.rule_problems {
			problem.error == "rule-error"
			problem.output == "deny"
		}
		p := plan_ruled(rules_world, {deny})
		p.allowed == false
		p.rule_problems == d.rule_problems
		name
	}
}

test_malformed_deny_messages if {
	decide_ruled(rules_world, {{"id": "freeze"}}, set()).rule_problems == [problem_of("rule-error", "deny", "freeze", `its message is not a non-empty string: {"id":"freeze"}`)]
	decide_ruled(rules_world, {{"id": 7, "message": "m"}}, set()).rule_problems == [problem_of("rule-error", "deny", null, `its id is not a non-empty string: {"id":7,"message":"m"}`)]
	decide_ruled(rules_world, {"freeze"}, set()).rule_problems == [problem_of("rule-error", "deny", null, `it is not an object: "freeze"`)]
	extra := decide_ruled(rules_world, {{"id": "freeze", "message": "m", "severity": "high", "at": 1}}, set()).rule_problems
	extra == [problem_of("rule-error", "deny", "freeze", `it has the key(s) at, severity (only id, message, next_action): {"at":1,"id":"freeze","message":"m","severity":"high"}`)]
	next := decide_ruled(rules_world, {{"id": "freeze", "message": "m", "next_action": 3}}, set()).rule_problems
	next == [problem_of("rule-error", "deny", "freeze", `its next_action is not a string: {"id":"freeze","message":"m","next_action":3}`)]
}

# A well-formed denial beside a malformed one is still listed, and the decision is still an error.
test_a_malformed_deny_beside_a_good_one if {
	d := decide_ruled(rules_world, {{"id": "freeze", "message": "m"}, {"id": "other"}}, set())
	d.allowed == false
	d.denials == [rule_denial_of("freeze", "m", null)]
	[x.id | some x in d.rule_problems] == ["other"]
}

test_a_deny_that_is_not_a_set_is_a_rule_error if {
	d := decide_ruled(rules_world, 5, set())
	d.allowed == false
	d.rule_problems == [problem_of("rule-error", "deny", null, "data.blockgate.rules.deny is not a set (write `deny contains {...} if ...`)")]
	w := decide_ruled(rules_world, set(), {"x": 1})
	w.allowed == false
	[x.output | some x in w.rule_problems] == ["warn", "warn"]
}

test_a_deny_id_equal_to_a_blocker_id_is_a_rule_conflict if {
	d := decide_ruled(rules_world, {{"id": "B", "message": "m"}}, set())
	d.allowed == false
	d.rule_problems == [problem_of("rule-conflict", "deny", "B", "the id is a blocker's: a rule may not deny in a blocker's name")]

	# A denied blocker's id: its one denial is the blocker's, and the plan lists it once.
	e := decide_ruled(denied_world, {{"id": "D", "message": "m"}}, set())
	e.allowed == false
	[x.kind | some x in e.denials] == ["blocker"]
	[x.error | some x in e.rule_problems] == ["rule-conflict"]
	p := plan_ruled(denied_world, {{"id": "D", "message": "m"}})
	p.unresolvable == []
	[x.error | some x in p.rule_problems] == ["rule-conflict"]
}

# Rule warnings go in among blockgate's own by code, each code's messages sorted; they never deny.
test_rule_warnings_merge_with_the_core_ones_by_code if {
	w := object.union(rules_world, {"ledger": {"verified": false}})
	d := decide_ruled(w, set(), {{"id": "zz-last", "message": "z"}, {"id": "a-first", "message": "b"}, {"id": "a-first", "message": "a"}, {"id": "m-mid", "message": "m"}})
	d.allowed == true
	[[x.code, x.message] | some x in d.warnings] == [
		["a-first", "a"], ["a-first", "b"],
		["ledger-not-verified", "signatures were not checked (--insecure-no-verify): every ledger entry counts with its own role"],
		["m-mid", "m"], ["zz-last", "z"],
	]
	not "rule_problems" in object.keys(d)
}

test_malformed_warnings_are_rule_errors if {
	d := decide_ruled(rules_world, set(), {{"id": "w", "message": "m", "next_action": "x"}, {"id": "v"}})
	d.allowed == false
	[[x.id, x.error, x.output] | some x in d.rule_problems] == [["v", "rule-error", "warn"], ["w", "rule-error", "warn"]]
	d.warnings == []
}

test_a_rule_warning_may_not_take_a_core_code if {
	d := decide_ruled(rules_world, set(), {{"id": "ledger-not-verified", "message": "forged"}})
	d.allowed == false
	d.rule_problems == [problem_of("rule-error", "warn", "ledger-not-verified", "the id is the code of one of blockgate's own warnings")]
}

test_breakpoints_add_the_rules_instants if {
	core := blockgate.breakpoints with data.world as rules_world
	core == {now - 10}
	bps := blockgate.breakpoints with data.world as rules_world with blockgate.rules.breakpoints as {5, 7}
	bps == {now - 10, 5, 7}
}

# Anything but numbers is passed on for the host to refuse (rule-error), never dropped.
test_breakpoints_keep_what_is_not_an_instant if {
	bps := blockgate.breakpoints with data.world as rules_world with blockgate.rules.breakpoints as {"soon"}
	bps == {now - 10, "soon"}
	not_set := blockgate.breakpoints with data.world as rules_world with blockgate.rules.breakpoints as 5
	not_set == {now - 10, "data.blockgate.rules.breakpoints is not a set"}
}
