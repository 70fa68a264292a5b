# The instants at which an answer can change with `at` (issue 10): the policy owns them, so the
# host's memo, keyed by the interval between them, stays exact whatever the rules compare `at` with.
# breakpoints_test.rego fails when a rule compares `at` with an instant this set does not list.
package blockgate

# METADATA
# title: breakpoints
# description: |
#   Every instant (epoch ms) that a rule compares input.at with: each grant's issued_at and
#   expires_at, each revoke's issued_at and each what-if revoke's instant (data.world only; input
#   is not read). For any request, decision and plan depend on `at` only through where it lies:
#   at one of these instants, or strictly between two neighbours (or before the first, or after
#   the last). A set: the host sorts it, since a sort in WASM is quadratic in its length.
# entrypoint: true
breakpoints contains grant.issued_at if some grant in data.world.grants

breakpoints contains grant.expires_at if some grant in data.world.grants

breakpoints contains revoke.issued_at if {
	some revokes in data.world.revokes_by_grant
	some revoke in revokes
}

breakpoints contains revoke.issued_at if {
	some revokes in data.world.hypothetical_revokes
	some revoke in revokes
}

# The rules' own instants (SPEC 6: a rule that reads time lists its edges). Anything but a number
# is kept, so that the host refuses it (rule-error) rather than keying its memo on a wrong set.
breakpoints contains point if some point in rule_breakpoint_output

breakpoints contains "data.blockgate.rules.breakpoints is not a set" if not is_set(rule_breakpoint_output)
