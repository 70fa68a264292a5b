# The FIX7 seed map (seed/production-readiness-blocker-map.json) as the host normalises it,
# with an empty ledger, against every default catalog action and environment.
package blockgate_test

fix7_source := "production-readiness-blocker-map.json"

fix7_blocker(id, line, fields) := object.union(
	{
		"id": id,
		"evidence_required": false,
		"after": [],
		"source": fix7_source,
		"line": line,
		"where": sprintf("%s line %d", [fix7_source, line]),
	},
	fields,
)

fix7_blockers := [
	fix7_blocker("FIX7-P0-PROD-BIRTH-SURFACE-1", 7, {
		"item": "production object-birth pipeline surface (birth_registry / Directus row creation) is UNKNOWN/unscoped",
		"evidence": "mutation-inventory.json surface 5 PRODUCTION_UNKNOWN_NEEDS_SCOPING (FIX7-P0-PLAN-SURFACE-1)",
		"actor_needed": "owner + operator (scope the exact production surface; not invented)",
		"next_action": "operator scopes whether/where birth-blueprint execution writes a production birth row",
		"tags": ["production"],
		"roles": ["operator", "owner"],
		"mode": "all",
	}),
	fix7_blocker("FIX7-P0-PROD-CI-SCOPE-1", 15, {
		"item": "CI/deploy enforcement scope of the blueprint is UNKNOWN",
		"evidence": "mutation-inventory.json surface 10 CONFIG_UNKNOWN_NEEDS_SCOPING (FIX7-P0-PLAN-SURFACE-2)",
		"actor_needed": "owner + operator",
		"next_action": "decide whether a seal-vs-bytes CI check is desired; design in a throwaway branch first",
		"tags": ["production-ci"],
		"roles": ["operator", "owner"],
		"mode": "all",
	}),
	fix7_blocker("FIX7-P0-DRYRUN-PROD-ROLLBACK-1", 23, {
		"item": "production rollback proof (PG/Directus snapshot+restore) NOT established",
		"evidence": "rollback-recovery-design.json RB-PROD TBD; post-fold owner note standing blocker",
		"actor_needed": "operator (+ separate production authorization)",
		"next_action": "design and PROVE production snapshot/restore before any production apply",
		"tags": ["production"],
		"roles": ["operator"],
		"mode": "all",
	}),
	fix7_blocker("FIX7-P0-PLAN-REALRUN-1", 31, {
		"item": "REAL_RUN requires its own explicit owner grant",
		"evidence": "precondition-checklist.json PC-7 FAIL",
		"actor_needed": "owner",
		"next_action": "separate REAL_RUN authorization (not implied by seal/OPT-4/no-production grant)",
		"tags": ["real-run"],
		"roles": ["owner"],
		"mode": "all",
	}),
	fix7_blocker("FIX7-P0-PLAN-SEPARATE-AUTH-1", 39, {
		"item": "QT001/apply, permit, activation, repoint, cutover each require separate authorization",
		"evidence": "precondition-checklist.json PC-8 FAIL",
		"actor_needed": "owner",
		"next_action": "obtain a distinct explicit authorization per action before any is attempted",
		"tags": ["activation", "apply", "cutover", "permit", "repoint"],
		"roles": ["owner"],
		"mode": "all",
	}),
	fix7_blocker("FIX7-P0-PROD-OPT4-1", 47, {
		"item": "production-scope owner OPT-4 (the no-production grant does NOT extend to production)",
		"evidence": "delegation-and-authority-lock.json; post-fold owner note option 2",
		"actor_needed": "owner",
		"next_action": "explicit production-execution authorization, after the surface/rollback blockers above are scoped",
		"tags": ["production"],
		"roles": ["owner"],
		"mode": "all",
	}),
	fix7_blocker("FIX7-P0-OPERATOR-INPUT-1", 55, {
		"item": "operator input needed to scope production surfaces + rollback before any production phase",
		"evidence": "this map; mutation-inventory.json forbidden surfaces",
		"actor_needed": "operator",
		"next_action": "operator provides production surface map + snapshot/restore design",
		"tags": ["production"],
		"roles": ["operator"],
		"mode": "all",
	}),
]

fix7_world := world(fix7_blockers, [], [])

# Which FIX7 blockers deny each default catalog request with an empty ledger (sorted).
fix7_production := ["FIX7-P0-DRYRUN-PROD-ROLLBACK-1", "FIX7-P0-OPERATOR-INPUT-1", "FIX7-P0-PROD-BIRTH-SURFACE-1", "FIX7-P0-PROD-OPT4-1"]

fix7_expected_denials := {
	["apply", "production"]: sort(array.concat(fix7_production, ["FIX7-P0-PLAN-SEPARATE-AUTH-1"])),
	["cutover", "production"]: sort(array.concat(fix7_production, ["FIX7-P0-PLAN-SEPARATE-AUTH-1"])),
	["permit", "production"]: sort(array.concat(fix7_production, ["FIX7-P0-PLAN-SEPARATE-AUTH-1"])),
	["activation", "production"]: sort(array.concat(fix7_production, ["FIX7-P0-PLAN-SEPARATE-AUTH-1"])),
	["repoint", "production"]: sort(array.concat(fix7_production, ["FIX7-P0-PLAN-SEPARATE-AUTH-1"])),
	["real-run", "production"]: sort(array.concat(fix7_production, ["FIX7-P0-PLAN-REALRUN-1"])),
	["ci-enforcement", "production"]: sort(array.concat(fix7_production, ["FIX7-P0-PROD-CI-SCOPE-1"])),
	["apply", "staging"]: ["FIX7-P0-PLAN-SEPARATE-AUTH-1"],
	["cutover", "staging"]: ["FIX7-P0-PLAN-SEPARATE-AUTH-1"],
	["permit", "staging"]: ["FIX7-P0-PLAN-SEPARATE-AUTH-1"],
	["activation", "staging"]: ["FIX7-P0-PLAN-SEPARATE-AUTH-1"],
	["repoint", "staging"]: ["FIX7-P0-PLAN-SEPARATE-AUTH-1"],
	["real-run", "staging"]: ["FIX7-P0-PLAN-REALRUN-1"],
	["ci-enforcement", "staging"]: ["FIX7-P0-PROD-CI-SCOPE-1"],
	["apply", "development"]: ["FIX7-P0-PLAN-SEPARATE-AUTH-1"],
	["cutover", "development"]: ["FIX7-P0-PLAN-SEPARATE-AUTH-1"],
	["permit", "development"]: ["FIX7-P0-PLAN-SEPARATE-AUTH-1"],
	["activation", "development"]: ["FIX7-P0-PLAN-SEPARATE-AUTH-1"],
	["repoint", "development"]: ["FIX7-P0-PLAN-SEPARATE-AUTH-1"],
	["real-run", "development"]: ["FIX7-P0-PLAN-REALRUN-1"],
	["ci-enforcement", "development"]: ["FIX7-P0-PROD-CI-SCOPE-1"],
}

fix7_matrix := {[action, environment]: [d.blocker_id | some d in decision.denials] |
	some action, _ in default_catalog.actions
	some environment, _ in default_catalog.environments
	decision := decide_for(fix7_world, {"action": action, "environment": environment, "at": now})
	decision.allowed == false
}

test_fix7_empty_ledger_denials_for_every_catalog_request if {
	count(fix7_expected_denials) == 21
	fix7_matrix == fix7_expected_denials
}

test_fix7_empty_ledger_denies_every_catalog_request if {
	every action, _ in default_catalog.actions {
		every environment, _ in default_catalog.environments {
			decide_for(fix7_world, {"action": action, "environment": environment, "at": now}).allowed == false
		}
	}
}

test_fix7_production_apply_denials_in_full if {
	d := decide(fix7_world)
	[[x.blocker_id, x.required_roles, x.missing_roles, x.reasons, x.blocks] | some x in d.denials] == [
		["FIX7-P0-DRYRUN-PROD-ROLLBACK-1", ["operator"], ["operator"], ["missing-grant"], ["production"]],
		["FIX7-P0-OPERATOR-INPUT-1", ["operator"], ["operator"], ["missing-grant"], ["production"]],
		["FIX7-P0-PLAN-SEPARATE-AUTH-1", ["owner"], ["owner"], ["missing-grant"], ["activation", "apply", "cutover", "permit", "repoint"]],
		["FIX7-P0-PROD-BIRTH-SURFACE-1", ["operator", "owner"], ["operator", "owner"], ["missing-grant"], ["production"]],
		["FIX7-P0-PROD-OPT4-1", ["owner"], ["owner"], ["missing-grant"], ["production"]],
	]
	d.denials[3].actor_needed == "owner + operator (scope the exact production surface; not invented)"
	d.denials[3].next_action == "operator scopes whether/where birth-blueprint execution writes a production birth row"
	d.denials[3].source == fix7_source
	d.satisfied == []
	d.ignored_grants == []
	d.warnings == []
}

test_fix7_production_apply_plan if {
	plan_of(fix7_world) == {
		"allowed": false,
		"grants_needed": [
			needed("operator", ["FIX7-P0-DRYRUN-PROD-ROLLBACK-1", "FIX7-P0-OPERATOR-INPUT-1", "FIX7-P0-PROD-BIRTH-SURFACE-1"], false),
			needed("owner", ["FIX7-P0-PLAN-SEPARATE-AUTH-1", "FIX7-P0-PROD-BIRTH-SURFACE-1", "FIX7-P0-PROD-OPT4-1"], false),
		],
		"unresolvable": [],
	}
}

test_fix7_plan_promise_for_every_catalog_request if {
	every action, _ in default_catalog.actions {
		every environment, _ in default_catalog.environments {
			decision_after_plan(fix7_world, {"action": action, "environment": environment, "at": now}).allowed == true
		}
	}
}

test_fix7_production_apply_grants_do_not_allow_production_permit if {
	after_apply := world_after_plan(fix7_world, request)
	decide(after_apply).allowed == true
	[d.blocker_id | some d in decide_for(after_apply, {"action": "permit", "environment": "production", "at": now}).denials] == sort(array.concat(fix7_production, ["FIX7-P0-PLAN-SEPARATE-AUTH-1"]))
}

test_fix7_lint_is_clean_with_the_default_catalog if {
	lint_of(fix7_world) == []
}
