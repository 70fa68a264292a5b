# What a team's rules (package blockgate.rules, SPEC 6) contribute to the decision, checked here:
# their denials and warnings in the decision's shape, and every output that is not as SPEC 6
# says (a malformed deny or warn object, an id that is a blocker's) as a problem. The decision
# and the plan carry the problems as `rule_problems`; the host raises them as errors (rule-error,
# rule-conflict), and `allowed` is false while there is one. Without rules every output is empty.
package blockgate

default rule_deny_output := set()

rule_deny_output := data.blockgate.rules.deny

default rule_warn_output := set()

rule_warn_output := data.blockgate.rules.warn

default rule_breakpoint_output := set()

rule_breakpoint_output := data.blockgate.rules.breakpoints

# The warning codes of blockgate's own policy: a rule warning may not pass for one of them.
core_warning_codes := {"blocker-applies-nowhere", "ledger-not-verified", "revoke-without-effect"}

rule_deny_keys := {"id", "message", "next_action"}

rule_warn_keys := {"id", "message"}

# No rule denies, and every rule output is well formed.
rules_allow if {
	count(rule_deny_output) == 0
	count(rule_problems) == 0
}

# The well-formed denials, each in the shape of a blocker denial (the host fills `source`).
rule_denials := {rule_denial(deny) | some deny in rule_deny_output; count(rule_deny_malformed(deny)) == 0}

rule_denial(deny) := {
	"kind": "rule",
	"blocker_id": deny.id,
	"item": deny.message,
	"next_action": object.get(deny, "next_action", null),
	"actor_needed": null,
	"blocks": [],
	"required_roles": [],
	"mode": null,
	"missing_roles": [],
	"reasons": ["rule"],
	"source": null,
}

rule_denial_ids := {denial.blocker_id | some denial in rule_denials}

# Warnings by code: the messages of each rule id, sorted.
rule_warnings_by_code[warn.id] contains warn.message if {
	some warn in rule_warn_output
	count(rule_warn_malformed(warn)) == 0
}

# A rule id's warnings in the decision's shape, {code: the id, message}.
rule_warnings_of_code(code) := [{"code": code, "message": message} | some message in object.get(rule_warnings_by_code, code, set())]

# Problems, sorted: the host raises the first and lists the others.
rule_problems := sort(rule_problem_set)

rule_problem_set contains rule_problem("rule-error", "deny", null, "data.blockgate.rules.deny is not a set (write `deny contains {...} if ...`)") if {
	not is_set(rule_deny_output)
}

rule_problem_set contains rule_problem("rule-error", "warn", null, "data.blockgate.rules.warn is not a set (write `warn contains {...} if ...`)") if {
	not is_set(rule_warn_output)
}

rule_problem_set contains rule_problem("rule-error", "deny", rule_output_id(deny), why) if {
	some deny in rule_deny_output
	some why in rule_deny_malformed(deny)
}

rule_problem_set contains rule_problem("rule-error", "warn", rule_output_id(warn), why) if {
	some warn in rule_warn_output
	some why in rule_warn_malformed(warn)
}

rule_problem_set contains rule_problem("rule-conflict", "deny", id, "the id is a blocker's: a rule may not deny in a blocker's name") if {
	some id in rule_denial_ids
	data.world.blockers[id]
}

rule_problem_set contains rule_problem("rule-error", "warn", code, "the id is the code of one of blockgate's own warnings") if {
	some code, _ in rule_warnings_by_code
	code in core_warning_codes
}

rule_problem(error, output, id, message) := {"error": error, "output": output, "id": id, "message": message}

# The output's id when it is a string (to name the rule), else null.
rule_output_id(output) := output.id if is_string(output.id)

else := null

# Why a deny object is malformed (empty when it is not): SPEC 6's {id, message, next_action?}.
rule_deny_malformed(deny) := rule_object_problems(deny, rule_deny_keys) | {why |
	is_object(deny)
	"next_action" in object.keys(deny)
	not is_string(deny.next_action)
	why := concat("", ["its next_action is not a string: ", json.marshal(deny)])
}

rule_warn_malformed(warn) := rule_object_problems(warn, rule_warn_keys)

rule_object_problems(output, _) := {concat("", ["it is not an object: ", json.marshal(output)])} if not is_object(output)

rule_object_problems(output, keys) := {why |
	some why in [
		rule_key_problem(output, "id"),
		rule_key_problem(output, "message"),
		rule_extra_keys_problem(output, keys),
	]
	why != ""
} if is_object(output)

rule_key_problem(output, key) := "" if {
	is_string(output[key])
	output[key] != ""
} else := concat("", ["its ", key, " is not a non-empty string: ", json.marshal(output)])

rule_extra_keys_problem(output, keys) := "" if {
	count(object.keys(output) - keys) == 0
} else := concat("", [
	"it has the key(s) ", concat(", ", sort(object.keys(output) - keys)),
	" (only ", concat(", ", sort(keys)), "): ", json.marshal(output),
])
