# The rules' view (view.rego): every field, from worlds shaped as buildWorld makes them.
package blockgate_test

import data.blockgate

# A grant as buildWorld gives it since issue 11: with its evidence, key and the key's principal
# (the trust file's, else the key id: the host fills it in, the view passes it on).
view_grant_of(id, role, resolves, issued_at) := object.union(grant(id, role, resolves, issued_at), {
	"evidence": [],
	"key": concat("-", ["key", role]),
	"principal": concat("-", ["key", role]),
})

view_of(w, req) := v if {
	v := blockgate.view with data.world as w with input as req
}

evidence_a := {"uri": "https://docs.example/a", "sha256": concat("", [
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
])}

# B-ALL applies and is satisfied; B-ANY applies, unsatisfied; B-DEV never applies to the request.
view_blockers := [
	object.union(all_of("B-ALL", ["owner", "operator"], ["production", "apply"]), {"after": ["B-PRE"]}),
	needs_evidence(any_of("B-ANY", ["security"], ["production"])),
	all_of("B-PRE", ["owner"], ["staging-only"]),
	all_of("B-DEV", ["owner"], ["development"]),
]

view_grants := [
	view_grant_of("G-PRE", "owner", ["B-PRE"], now - 50),
	object.union(view_grant_of("G-OWN", "owner", ["B-ALL"], now - 10), {"evidence": [evidence_a], "has_evidence": true}),
	object.union(view_grant_of("G-OP", "operator", ["B-ALL"], now - 5), {"principal": "Alice", "expires_at": now + 100, "target": "QT001"}),
	view_grant_of("G-EARLY", "operator", ["B-ALL"], now - 60),
	view_grant_of("G-SEC", "security", ["B-ANY"], now - 5),
	object.union(view_grant_of("G-EXPIRED", "security", ["B-ANY"], now - 20), {"expires_at": now}),
	view_grant_of("G-REVOKED", "security", ["B-ANY"], now - 20),
	object.union(view_grant_of("G-OTHER-TARGET", "owner", ["B-ALL"], now - 5), {"target": "QT002"}),
	view_grant_of("G-LATER", "owner", ["B-ALL"], now + 1),
	object.union(view_grant_of("G-UNKNOWN", "owner", ["B-ALL"], now - 5), {"auth": "unknown-key"}),
	object.union(view_grant_of("G-STAGING", "owner", ["B-ALL"], now - 5), {"environment": "staging"}),
	view_grant_of("G-DEV", "owner", ["B-DEV"], now - 5),
]

view_world := world(view_blockers, view_grants, [revoke("R-1", "security", "G-REVOKED", now - 1)])

view_request := request_for_target("QT001")

test_view_version_and_catalog if {
	v := view_of(view_world, view_request)
	v.version == 1
	v.catalog == default_catalog
}

test_view_blockers_every_loaded_one_with_sorted_tags_and_roles if {
	v := view_of(view_world, view_request)
	object.keys(v.blockers) == {"B-ALL", "B-ANY", "B-PRE", "B-DEV"}
	v.blockers["B-ALL"] == {
		"id": "B-ALL",
		"item": "item B-ALL",
		"next_action": "next B-ALL",
		"actor_needed": "owner + operator",
		"blocks": ["apply", "production"],
		"required_roles": ["operator", "owner"],
		"mode": "all",
		"evidence_required": false,
		"after": ["B-PRE"],
		"source": "map.json",
	}
	v.blockers["B-ANY"].mode == "any"
	v.blockers["B-ANY"].evidence_required == true
	v.blockers["B-ANY"].after == []
}

test_view_blockers_keep_null_item_and_next_action if {
	b := object.union(all_of("B-1", ["owner"], ["production"]), {"item": null, "next_action": null})
	v := view_of(world([b], [], []), request)
	v.blockers["B-1"].item == null
	v.blockers["B-1"].next_action == null
}

test_view_applicable_sorted_without_resolved_or_untagged if {
	v := view_of(view_world, view_request)
	v.applicable == ["B-ALL", "B-ANY"]
	resolved := view_of(world_resolved(view_blockers, [], ["B-ANY"]), view_request)
	resolved.applicable == ["B-ALL"]
}

# Only applicable satisfied blockers, each with its counting grants, sorted: G-EARLY qualifies
# but was issued before the prerequisite B-PRE was satisfied, so it does not count.
test_view_satisfied_lists_counting_grants_only if {
	v := view_of(view_world, view_request)
	v.satisfied == {"B-ALL": ["G-OP", "G-OWN"]}
}

# B-ANY needs evidence: G-SEC is in force but does not count, so B-ANY is absent from satisfied.
test_view_satisfied_absent_when_unsatisfied if {
	v := view_of(view_world, view_request)
	not v.satisfied["B-ANY"]
	v.grants["G-SEC"]
}

test_view_grants_are_those_in_force if {
	v := view_of(view_world, view_request)
	object.keys(v.grants) == {"G-PRE", "G-OWN", "G-OP", "G-EARLY", "G-SEC", "G-DEV"}
}

test_view_grants_leave_out_every_grant_not_in_force if {
	v := view_of(view_world, view_request)
	every id in ["G-EXPIRED", "G-REVOKED", "G-OTHER-TARGET", "G-LATER", "G-UNKNOWN", "G-STAGING"] {
		not v.grants[id]
	}
}

test_view_grant_fields_with_null_target_and_expiry if {
	v := view_of(view_world, view_request)
	v.grants["G-OWN"] == {
		"id": "G-OWN",
		"role": "owner",
		"action": "apply",
		"environment": "production",
		"target": null,
		"resolves": ["B-ALL"],
		"issued_at": now - 10,
		"expires_at": null,
		"evidence": [evidence_a],
		"key": "key-owner",
		"principal": "key-owner",
	}
}

test_view_grant_fields_with_target_expiry_and_named_principal if {
	v := view_of(view_world, view_request)
	g := v.grants["G-OP"]
	g.target == "QT001"
	g.expires_at == now + 100
	g.evidence == []
	g.key == "key-operator"
	g.principal == "Alice"
}

# A what-if grant has no key: key and principal are null, as buildWorld gives them.
test_view_grant_without_key if {
	g := object.union(view_grant_of("G-1", "owner", ["B-1"], now - 1), {"key": null, "principal": null})
	v := view_of(world([all_of("B-1", ["owner"], ["production"])], [g], []), request)
	v.grants["G-1"].key == null
	v.grants["G-1"].principal == null
	v.satisfied == {"B-1": ["G-1"]}
}

test_view_empty_world if {
	v := view_of(world([], [], []), request)
	v.blockers == {}
	v.applicable == []
	v.satisfied == {}
	v.grants == {}
}
