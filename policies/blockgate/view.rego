# The rules' view (SPEC 6, issue 11): what a team's own rules (package blockgate.rules) see of
# the decision, built from the core rules so that a rule and the blocker decision never disagree.
# Its shape is documented in examples/rules/README.md and kept stable: fields are only ever
# added; `version` changes when a field's meaning changes.
package blockgate

view_version := 1

view := {
	"version": view_version,
	"catalog": data.world.catalog,
	"blockers": {blocker_id: view_blocker(blocker) | some blocker_id, blocker in data.world.blockers},
	"applicable": sort(blocker_applies),
	"satisfied": {blocker_id: sort(counting_grants[blocker_id]) | some blocker_id in blocker_satisfied},
	"grants": {grant_id: view_grant(grant) |
		some grant_id, grant in data.world.grants
		grant_status(grant) == "in-force"
	},
}

view_blocker(blocker) := {
	"id": blocker.id,
	"item": blocker.item,
	"next_action": blocker.next_action,
	"actor_needed": blocker.actor_needed,
	"blocks": sort(blocker.tags),
	"required_roles": sort(blocker.roles),
	"mode": blocker.mode,
	"evidence_required": blocker.evidence_required,
	"after": blocker.after,
	"source": blocker.source,
}

# Times in epoch ms; target and expires_at are null when the entry has none.
view_grant(grant) := {
	"id": grant.id,
	"role": grant.role,
	"action": grant.action,
	"environment": grant.environment,
	"target": object.get(grant, "target", null),
	"resolves": grant.resolves,
	"issued_at": grant.issued_at,
	"expires_at": object.get(grant, "expires_at", null),
	"evidence": grant.evidence,
	"key": grant.key,
	"principal": grant.principal,
}
