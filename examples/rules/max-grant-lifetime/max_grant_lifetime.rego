# Maximum grant lifetime (examples/rules/README.md): a grant without expires_at, or valid for
# longer than max_days (data.blockgate_rules_config.max_grant_lifetime), does not satisfy a
# blocker. When an applicable blocker is satisfied only thanks to such grants, the request is
# denied in the deny_environments (production) and warned of in every other environment.
package blockgate.rules

import data.blockgate.view
import data.blockgate_rules_config.max_grant_lifetime as lifetime_config

# METADATA
# title: max-grant-lifetime
# description: |
#   In production, a blocker is not satisfied by grants without expires_at or valid for longer
#   than max_days days: it must be satisfied by its other counting grants.
deny contains {"id": "max-grant-lifetime", "message": message, "next_action": next_action} if {
	input.environment in lifetime_config.deny_environments
	some blocker_id, message in lifetime_violations
	next_action := lifetime_next_action(blocker_id)
}

# METADATA
# title: max-grant-lifetime-warning
# description: |
#   Outside production, a blocker satisfied only thanks to grants without expires_at or valid
#   for longer than max_days days is warned of (production would deny it).
warn contains {"id": "max-grant-lifetime-warning", "message": concat("", [message, " (denied in ", concat(", ", sort(lifetime_config.deny_environments)), ")"])} if {
	not input.environment in lifetime_config.deny_environments
	some message in lifetime_violations
}

lifetime_max_ms := lifetime_config.max_days * 86400000

# Each satisfied applicable blocker that its counting grants within the lifetime would not satisfy.
lifetime_violations[blocker_id] := message if {
	some blocker_id, grant_ids in view.satisfied
	long := {grant_id | some grant_id in grant_ids; lifetime_too_long(view.grants[grant_id])}
	count(long) > 0
	blocker := view.blockers[blocker_id]
	within := {view.grants[grant_id].role | some grant_id in grant_ids; not grant_id in long}
	not lifetime_roles_met(blocker, within)
	message := concat("", [
		"blocker ", blocker_id, " is satisfied only by grants valid for longer than ",
		format_int(lifetime_config.max_days, 10), " days: ",
		concat(", ", [lifetime_describe(view.grants[grant_id]) | some grant_id in sort(long)]),
	])
}

lifetime_too_long(grant) if grant.expires_at == null

lifetime_too_long(grant) if grant.expires_at - grant.issued_at > lifetime_max_ms

lifetime_describe(grant) := concat("", [grant.id, " (no expires_at)"]) if grant.expires_at == null

else := concat("", [grant.id, " (", lifetime_ms_text(grant.expires_at - grant.issued_at), " ms)"])

# format_int in WASM aborts past 2^31 - 1 (about 24.8 days in ms): the digits in two parts.
lifetime_ms_text(ms) := format_int(ms, 10) if ms < 1000000000

else := concat("", [format_int(floor(ms / 1000000000), 10), lifetime_nine_digits(ms % 1000000000)])

lifetime_nine_digits(n) := concat("", [substring("000000000", 0, 9 - count(digits)), digits]) if digits := format_int(n, 10)

lifetime_roles_met(blocker, roles) if {
	blocker.mode == "all"
	every role in blocker.required_roles {
		role in roles
	}
}

lifetime_roles_met(blocker, roles) if {
	blocker.mode == "any"
	some role in blocker.required_roles
	role in roles
}

lifetime_next_action(blocker_id) := concat("", [
	"grant ", blocker_id, " again (", concat(" + ", view.blockers[blocker_id].required_roles),
	") with an expires_at at most ", format_int(lifetime_config.max_days, 10), " days after its issued_at",
])
