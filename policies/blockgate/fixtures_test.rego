# Small worlds for the policy tests: blockers, grants and revokes shaped as the host builds
# them (src/engine/world.ts), and the indexes derived from them as buildWorld derives them.
package blockgate_test

import data.blockgate

# The request time of every test, in epoch ms; other times are written relative to it.
now := 1000000

request := {"action": "apply", "environment": "production", "at": now}

request_for_target(target) := object.union(request, {"target": target})

# SPEC 1.3.
default_catalog := {
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

# Blockers. `roles` and `tags` are given sorted and distinct, as the host normalises them.
actor_text(roles, "all") := concat(" + ", roles)

actor_text(roles, "any") := concat(" or ", roles)

blocker(id, roles, mode, tags) := {
	"id": id,
	"item": concat(" ", ["item", id]),
	"evidence": null,
	"next_action": concat(" ", ["next", id]),
	"actor_needed": actor_text(roles, mode),
	"tags": tags,
	"roles": roles,
	"mode": mode,
	"evidence_required": false,
	"after": [],
	"source": "map.json",
	"line": 1,
	"where": "map.json line 1",
}

all_of(id, roles, tags) := blocker(id, roles, "all", tags)

any_of(id, roles, tags) := blocker(id, roles, "any", tags)

after(b, ids) := object.union(b, {"after": ids})

needs_evidence(b) := object.union(b, {"evidence_required": true})

# The host leaves a blocker whose actor_needed yields no usable role with no roles, mode all.
problem_blocker(id, problem, actor_needed, tags) := object.union(blocker(id, [], "all", tags), {
	"actor_needed": actor_needed,
	"problem": problem,
})

# A grant for the default request (apply in production, any target), authentic, no evidence.
grant(id, role, resolves, issued_at) := {
	"id": id,
	"role": role,
	"action": "apply",
	"environment": "production",
	"resolves": resolves,
	"issued_at": issued_at,
	"has_evidence": false,
	"auth": "ok",
	"where": concat(" ", ["ledger.jsonl", id]),
	"line": 1,
}

with_evidence(g) := object.union(g, {"has_evidence": true})

revoke(id, role, grant_id, issued_at) := {
	"id": id,
	"role": role,
	"revokes": grant_id,
	"issued_at": issued_at,
	"auth": "ok",
	"where": concat(" ", ["ledger.jsonl", id]),
	"line": 2,
}

# A what-if revoke (SPEC 3 `what-if --revoke ID`) as the host passes it: the grant and the instant.
what_if_revoke(grant_id, issued_at) := {"grant_id": grant_id, "issued_at": issued_at, "where": concat("", ["--revoke ", grant_id])}

# The world's index of what-if revokes: grant id -> [{issued_at, where}], as buildWorld makes it.
with_what_if_revokes(w, revokes) := object.union(w, {"hypothetical_revokes": {named.grant_id: [{"issued_at": r.issued_at, "where": r.where} |
	some r in revokes
	r.grant_id == named.grant_id
] |
	some named in revokes
}})

make_world(catalog, blockers, grants, revokes) := {
	"catalog": catalog,
	"blockers": {b.id: b | some b in blockers},
	"blockers_by_tag": {tag: sort([b.id | some b in blockers; tag in b.tags]) |
		some tagged in blockers
		some tag in tagged.tags
	},
	"resolved": {},
	"grants": {g.id: g | some g in grants},
	"grants_by_blocker": {blocker_id: [g.id | some g in grants; blocker_id in g.resolves] |
		some named in grants
		some blocker_id in named.resolves
	},
	"revokes_by_grant": {revoking.revokes: [r | some r in revokes; r.revokes == revoking.revokes] |
		some revoking in revokes
	},
	"hypothetical_revokes": {},
	"ledger": {"verified": true},
	"trusted_roles": null,
}

world(blockers, grants, revokes) := make_world(default_catalog, blockers, grants, revokes)

# `resolved_in_this_macro` of map.json.
world_resolved(blockers, grants, resolved_ids) := object.union(world(blockers, grants, []), {"resolved": {id: "map.json" | some id in resolved_ids}})

decide(w) := d if {
	d := blockgate.decision with data.world as w with input as request
}

decide_for(w, req) := d if {
	d := blockgate.decision with data.world as w with input as req
}

plan_for(w, req) := p if {
	p := blockgate.plan with data.world as w with input as req
}

# The denial SPEC 2.4 describes for a blocker built by blocker().
denial_of(b, missing_roles, reasons) := {
	"kind": "blocker",
	"blocker_id": b.id,
	"item": b.item,
	"next_action": b.next_action,
	"actor_needed": b.actor_needed,
	"blocks": sort(b.tags),
	"required_roles": sort(b.roles),
	"mode": b.mode,
	"missing_roles": missing_roles,
	"reasons": reasons,
	"source": b.source,
}

# The plan's promise (SPEC 2.5): its grants, issued at the request time for exactly the
# request, authentic and indexed like ledger grants, make the request allowed.
planned_ledger_grant(needed, issued_at) := with_target(
	{
		"id": concat("-", ["PLANNED", needed.role]),
		"role": needed.role,
		"action": needed.action,
		"environment": needed.environment,
		"resolves": needed.resolves,
		"issued_at": issued_at,
		"has_evidence": needed.evidence_required,
		"auth": "ok",
		"where": "plan",
		"line": 0,
	},
	needed.target,
)

with_target(g, null) := g

with_target(g, target) := object.union(g, {"target": target}) if target != null

with_new_grants(w, new) := object.union(w, {
	"grants": {g.id: g | some g in new},
	"grants_by_blocker": {blocker_id: array.concat(object.get(w.grants_by_blocker, blocker_id, []), [g.id | some g in new; blocker_id in g.resolves]) |
		some blocker_id in (object.keys(w.grants_by_blocker) | {id | some g in new; some id in g.resolves})
	},
})

world_after_plan(w, req) := with_new_grants(w, [planned_ledger_grant(needed, req.at) | some needed in plan_for(w, req).grants_needed])

decision_after_plan(w, req) := decide_for(world_after_plan(w, req), req)
