# The lint entrypoint: every finding code, its severity and message, sorted by message.
package blockgate_test

import data.blockgate

at_line(b, line) := object.union(b, {"line": line, "where": sprintf("map.json line %d", [line])})

lint_world := object.union(
	world_resolved(
		[
			at_line(problem_blocker("N", "no-role", "(to be decided)", ["apply"]), 2),
			at_line(problem_blocker("M", "ambiguous-actor", "owner + operator or sec", ["apply"]), 3),
			at_line(after(all_of("A", ["owner"], ["apply"]), ["GHOST"]), 4),
			at_line(all_of("T", ["owner"], ["apply", "nowhere"]), 5),
			at_line(all_of("V", ["owner"], ["elsewhere"]), 6),
			at_line(all_of("O", ["operator"], ["production"]), 7),
		],
		[
			grant("G1", "owner", ["A", "MISSING"], now - 10),
			object.union(grant("G2", "owner", ["A"], now - 10), {"action": "deploy"}),
			object.union(grant("G3", "owner", ["A"], now - 10), {"environment": "prod"}),
			grant("G4", "operator", ["A", "N"], now - 10),
		],
		["OLD-1"],
	),
	{"trusted_roles": ["owner"]},
)

lint_of(w) := findings if {
	findings := blockgate.lint with data.world as w
}

finding(code, severity, message) := {"code": code, "severity": severity, "message": message}

test_lint_no_role if {
	finding("no-role", "error", "map.json line 2: blocker N names no role in actor_needed; no grant can resolve it") in lint_of(lint_world)
}

test_lint_ambiguous_actor if {
	finding("ambiguous-actor", "error", "map.json line 3: blocker M mixes all-of (+ , & and) and any-of (or |) in actor_needed; no grant can resolve it") in lint_of(lint_world)
}

test_lint_unknown_after if {
	finding("unknown-after", "warning", "map.json line 4: blocker A lists GHOST in after, but no loaded map has it; A can never be satisfied") in lint_of(lint_world)
}

test_lint_unknown_tag if {
	finding("unknown-tag", "warning", "map.json line 5: blocker T blocks 'nowhere', which no catalog action or environment carries") in lint_of(lint_world)
	finding("unknown-tag", "warning", "map.json line 6: blocker V blocks 'elsewhere', which no catalog action or environment carries") in lint_of(lint_world)
}

test_lint_never_applies if {
	finding("never-applies", "warning", "map.json line 6: blocker V has no tag that any catalog action or environment carries, so it never applies") in lint_of(lint_world)
	message := "map.json line 6: blocker V has no tag that any catalog action or environment carries, so it never applies"
	[f | some f in lint_of(lint_world); f.code == "never-applies"] == [finding("never-applies", "warning", message)]
}

test_lint_unknown_resolved if {
	finding("unknown-resolved", "warning", "map.json: resolved_in_this_macro lists OLD-1, which no loaded map has") in lint_of(lint_world)
}

test_lint_unknown_resolves if {
	finding("unknown-resolves", "warning", "ledger.jsonl G1: grant G1 resolves MISSING, which no loaded map has") in lint_of(lint_world)
}

test_lint_unknown_action if {
	finding("unknown-action", "warning", "ledger.jsonl G2: grant G2 is for action 'deploy', which the catalog does not have") in lint_of(lint_world)
}

test_lint_unknown_environment if {
	finding("unknown-environment", "warning", "ledger.jsonl G3: grant G3 is for environment 'prod', which the catalog does not have") in lint_of(lint_world)
}

test_lint_role_without_key if {
	finding("role-without-key", "warning", "map.json line 7: blocker O needs role 'operator', which no trusted key holds") in lint_of(lint_world)
}

test_lint_role_not_required if {
	finding("role-not-required", "warning", "ledger.jsonl G4: grant G4 by role 'operator' resolves A, which does not need that role") in lint_of(lint_world)
}

test_lint_role_not_required_skips_blockers_with_a_problem if {
	# G4 also resolves N, which has no role: no-role reports that already.
	message := "ledger.jsonl G4: grant G4 by role 'operator' resolves A, which does not need that role"
	[f | some f in lint_of(lint_world); f.code == "role-not-required"] == [finding("role-not-required", "warning", message)]
}

test_lint_whole_list_sorted_by_message if {
	lint_of(lint_world) == [
		finding("unknown-resolves", "warning", "ledger.jsonl G1: grant G1 resolves MISSING, which no loaded map has"),
		finding("unknown-action", "warning", "ledger.jsonl G2: grant G2 is for action 'deploy', which the catalog does not have"),
		finding("unknown-environment", "warning", "ledger.jsonl G3: grant G3 is for environment 'prod', which the catalog does not have"),
		finding("role-not-required", "warning", "ledger.jsonl G4: grant G4 by role 'operator' resolves A, which does not need that role"),
		finding("no-role", "error", "map.json line 2: blocker N names no role in actor_needed; no grant can resolve it"),
		finding("ambiguous-actor", "error", "map.json line 3: blocker M mixes all-of (+ , & and) and any-of (or |) in actor_needed; no grant can resolve it"),
		finding("unknown-after", "warning", "map.json line 4: blocker A lists GHOST in after, but no loaded map has it; A can never be satisfied"),
		finding("unknown-tag", "warning", "map.json line 5: blocker T blocks 'nowhere', which no catalog action or environment carries"),
		finding("unknown-tag", "warning", "map.json line 6: blocker V blocks 'elsewhere', which no catalog action or environment carries"),
		finding("never-applies", "warning", "map.json line 6: blocker V has no tag that any catalog action or environment carries, so it never applies"),
		finding("role-without-key", "warning", "map.json line 7: blocker O needs role 'operator', which no trusted key holds"),
		finding("unknown-resolved", "warning", "map.json: resolved_in_this_macro lists OLD-1, which no loaded map has"),
	]
}

test_lint_no_role_without_key_when_no_trust_file if {
	w := object.union(lint_world, {"trusted_roles": null})
	[f | some f in lint_of(w); f.code == "role-without-key"] == []
}

test_lint_role_without_key_for_every_untrusted_role if {
	w := object.union(world([all_of("B", ["operator", "owner", "sec"], ["apply"])], [], []), {"trusted_roles": ["operator"]})
	lint_of(w) == [
		finding("role-without-key", "warning", "map.json line 1: blocker B needs role 'owner', which no trusted key holds"),
		finding("role-without-key", "warning", "map.json line 1: blocker B needs role 'sec', which no trusted key holds"),
	]
}

test_lint_clean_world_has_no_findings if {
	w := object.union(
		world_resolved([all_of("B", ["owner"], ["apply"]), after(all_of("C", ["operator"], ["production"]), ["B"])], [grant("G1", "owner", ["B"], now - 10)], ["C"]),
		{"trusted_roles": ["operator", "owner"]},
	)
	lint_of(w) == []
}

test_lint_catalog_tags if {
	blockgate.catalog_tags == {"apply", "cutover", "permit", "activation", "repoint", "real-run", "production-ci", "production"} with data.world as world([], [], [])
}

test_lint_finding_function if {
	blockgate.finding("no-role", "error", ["a", ": ", "b"]) == {"code": "no-role", "severity": "error", "message": "a: b"}
}

test_lint_findings_is_a_set_of_distinct_findings if {
	# Two grants naming the same unknown blocker give two findings; one grant twice gives one.
	w := world([], [grant("G1", "owner", ["X", "X"], now - 10), grant("G2", "owner", ["X"], now - 10)], [])
	count(blockgate.lint_findings) == 2 with data.world as w
	count(lint_of(w)) == 2
}
