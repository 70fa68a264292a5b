# METADATA
# title: blockgate.testing
# description: |
#   Helpers for testing team rules (package blockgate.rules) with `opa test`: blockers, grants,
#   a complete data.world and a request, shaped as blockgate's host builds them, so that the real
#   core policy decides and data.blockgate.view is what a bundle would show. Never compiled into a
#   bundle. Use:
#     data.blockgate.rules.deny with data.world as testing.world(blockers, grants)
#       with input as testing.request("apply", "production", at_ms)
#   Roles, tags, actions and environments are given as the host normalises them: lower case.
package blockgate.testing

# The default catalog (SPEC 1.3).
catalog := {
	"actions": {
		"apply": {"tags": ["apply"]},
		"cutover": {"tags": ["cutover"]},
		"permit": {"tags": ["permit"]},
		"activation": {"tags": ["activation"]},
		"repoint": {"tags": ["repoint"]},
		"real-run": {"tags": ["real-run"]},
		"ci-enforcement": {"tags": ["production-ci"]},
	},
	"environments": {
		"production": {"tags": ["production"]},
		"staging": {"tags": []},
		"development": {"tags": []},
	},
}

# A blocker needing every one of `roles` (mode all) on requests carrying one of `tags`.
blocker(id, roles, tags) := {
	"id": id,
	"item": concat("", ["item ", id]),
	"evidence": null,
	"next_action": concat("", ["next action for ", id]),
	"actor_needed": concat(" + ", sort(roles)),
	"tags": sort(tags),
	"roles": sort(roles),
	"mode": "all",
	"evidence_required": false,
	"after": [],
	"source": "blockers.json",
	"line": 1,
	"where": "blockers.json line 1",
}

# The same blocker satisfied by any one of its roles.
any_role(b) := object.union(b, {"mode": "any", "actor_needed": concat(" or ", b.roles)})

# The blocker requires evidence on its grants.
needs_evidence(b) := object.union(b, {"evidence_required": true})

# The blocker's grants count only from when these prerequisites are satisfied.
after(b, ids) := object.union(b, {"after": ids})

# An authentic grant, any target, no expiry, no evidence; signed by the key "key-ROLE", whose
# principal (SPEC 1.4) is its id.
grant(id, role, action, env, resolves, issued_at_ms) := {
	"id": id,
	"role": role,
	"action": action,
	"environment": env,
	"resolves": resolves,
	"issued_at": issued_at_ms,
	"has_evidence": false,
	"evidence": [],
	"key": concat("-", ["key", role]),
	"principal": concat("-", ["key", role]),
	"auth": "ok",
	"where": concat("", ["grants.jsonl ", id]),
	"line": 1,
}

# The grant is valid until (not including) this instant.
expiring(g, expires_at_ms) := object.union(g, {"expires_at": expires_at_ms})

# The grant carries this evidence: a list of {"uri", "sha256"}.
with_evidence(g, evidence) := object.union(g, {"evidence": evidence, "has_evidence": count(evidence) > 0})

# The grant's key is held by this principal (the trust file's `principal`).
with_principal(g, principal) := object.union(g, {"principal": principal})

# A grant or a request for this target only.
with_target(x, target) := object.union(x, {"target": target})

# A complete data.world for these blockers and grants: verified ledger, no revokes, nothing
# declared resolved, default catalog.
world(blockers, grants) := {
	"catalog": catalog,
	"blockers": {b.id: b | some b in blockers},
	"blockers_by_tag": {tag: sort({b.id | some b in blockers; tag in b.tags}) |
		some tagged in blockers
		some tag in tagged.tags
	},
	"resolved": {},
	"grants": {g.id: g | some g in grants},
	"grants_by_blocker": {blocker_id: sort({g.id | some g in grants; blocker_id in g.resolves}) |
		some named in grants
		some blocker_id in named.resolves
	},
	"revokes_by_grant": {},
	"hypothetical_revokes": {},
	"ledger": {"verified": true},
	"trusted_roles": null,
}

# A request at an instant in epoch milliseconds, for any target.
request(action, env, at_ms) := {"action": action, "environment": env, "at": at_ms}

# What time.now_ns() returns in blockgate for this request (its `at`, never the wall clock); in
# `opa test` the builtin reads the wall clock, so a rule calling it is tested with
#   with time.now_ns as testing.now_ns(req)
now_ns(req) := req.at * 1000000

# True when the blocker maps alone allow the request in this world (every applicable blocker
# satisfied), whatever the rules say: for tests of a rule that denies what the blockers allow.
blockers_allow(w, req) if {
	data.blockgate.request_known with data.world as w with input as req
	denied := data.blockgate.blocker_denied with data.world as w with input as req
	count(denied) == 0
}
