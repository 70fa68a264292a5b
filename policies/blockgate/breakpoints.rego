# The instants at which an answer can change with `at` (issue 10): the policy owns them, so a
# memo keyed by them stays exact whatever rule compares `at` with a ledger time.
package blockgate

# METADATA
# title: breakpoints
# description: |
#   Every instant (epoch ms) that a rule compares input.at with: each grant's issued_at and
#   expires_at and each revoke's issued_at (data.world only; input is not read). For any request,
#   decision and plan depend on `at` only through where it lies: at one of these instants, or
#   strictly between two neighbours (or before the first, or after the last). A set: the host
#   sorts it, since a sort in WASM is quadratic in its length.
breakpoints contains grant.issued_at if some grant in data.world.grants

breakpoints contains grant.expires_at if some grant in data.world.grants

breakpoints contains revoke.issued_at if {
	some revokes in data.world.revokes_by_grant
	some revoke in revokes
}
