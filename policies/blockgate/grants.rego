# Grants and revokes: which grants are in force for the request (SPEC 2.1).
#
# The host prepares data.world (see src/engine/world.ts): every grant with its times as
# integer milliseconds and `auth` = "ok" or why its signature or key failed; revokes are
# indexed by the grant they revoke, what-if revokes (grant id and instant only) likewise;
# grants are indexed by the blockers they resolve.
package blockgate

# The first reason a grant is not in force for the request, or "in-force".
# The order is SPEC 2.4's order of ignore reasons.
grant_status(grant) := grant.auth if grant.auth != "ok"

else := "revoked" if grant_revoked(grant)

else := "expired" if grant_expired(grant)

else := "not-yet-valid" if grant.issued_at > input.at

else := "other-action" if grant.action != input.action

else := "other-environment" if grant.environment != input.environment

else := "other-target" if not target_matches(grant)

else := "in-force"

# A revoke takes effect only when authentic, from the grant's own role, and already issued.
grant_revoked(grant) if {
	some revoke in data.world.revokes_by_grant[grant.id]
	revoke.auth == "ok"
	revoke.role == grant.role
	revoke.issued_at <= input.at
}

# A what-if revoke (SPEC 3 `what-if --revoke ID`) names only the grant and its instant: it takes
# effect as if the grant's own role had revoked it, authentically, at that instant.
grant_revoked(grant) if {
	some revoke in data.world.hypothetical_revokes[grant.id]
	revoke.issued_at <= input.at
}

grant_expired(grant) if input.at >= grant.expires_at

target_matches(grant) if not grant.target

target_matches(grant) if grant.target == input.target

# Grants that name a relevant blocker and are in force for the request. A complete rule, so
# that OPA's interpreter evaluates it once: a lookup by a known grant id of a partial set
# re-scanned every relevant blocker, which made a decision quadratic in the ledger.
grant_in_force := {grant_id |
	some blocker_id in relevant_blockers
	some grant_id in data.world.grants_by_blocker[blocker_id]
	grant_status(data.world.grants[grant_id]) == "in-force"
}

# A grant carries evidence where the blocker requires it.
evidence_ok(_, blocker) if not blocker.evidence_required

evidence_ok(grant, _) if grant.has_evidence

# SPEC 2.3: g qualifies for p.
grant_qualifies(grant_id, blocker) if {
	grant_in_force[grant_id]
	grant := data.world.grants[grant_id]
	blocker.id in grant.resolves
	grant.role in blocker.roles
	evidence_ok(grant, blocker)
}

# The in-force grants of one role that resolve a blocker (SPEC 2.4's G).
role_grants_in_force(blocker, role) := {grant_id |
	some grant_id in data.world.grants_by_blocker[blocker.id]
	grant_in_force[grant_id]
	data.world.grants[grant_id].role == role
}
