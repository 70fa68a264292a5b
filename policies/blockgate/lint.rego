# Findings about the loaded inputs that `validate` reports: errors make a blocker unresolvable;
# warnings point at what is likely a mistake (a typo'd id, a tag nothing uses, a role no key holds).
package blockgate

# METADATA
# title: lint
# description: Every finding about the loaded maps, ledger and catalog, sorted by message.
# entrypoint: true
lint := [finding | some [_, finding] in sort({[f.message, f] | some f in lint_findings})]

# Every tag some catalog action or environment carries.
catalog_tags contains tag if {
	some action in data.world.catalog.actions
	some tag in action.tags
}

catalog_tags contains tag if {
	some environment in data.world.catalog.environments
	some tag in environment.tags
}

finding(code, severity, parts) := {"code": code, "severity": severity, "message": concat("", parts)}

lint_findings contains finding("no-role", "error", [blocker.where, ": blocker ", id, " names no role in actor_needed; no grant can resolve it"]) if {
	some id, blocker in data.world.blockers
	blocker.problem == "no-role"
}

lint_findings contains finding("ambiguous-actor", "error", [blocker.where, ": blocker ", id, " mixes all-of (+ , & and) and any-of (or |) in actor_needed; no grant can resolve it"]) if {
	some id, blocker in data.world.blockers
	blocker.problem == "ambiguous-actor"
}

lint_findings contains finding("unknown-after", "warning", [blocker.where, ": blocker ", id, " lists ", prerequisite_id, " in after, but no loaded map has it; ", id, " can never be satisfied"]) if {
	some id, blocker in data.world.blockers
	some prerequisite_id in blocker.after
	not data.world.blockers[prerequisite_id]
}

lint_findings contains finding("unknown-tag", "warning", [blocker.where, ": blocker ", id, " blocks '", tag, "', which no catalog action or environment carries"]) if {
	some id, blocker in data.world.blockers
	some tag in blocker.tags
	not tag in catalog_tags
}

lint_findings contains finding("never-applies", "warning", [blocker.where, ": blocker ", id, " has no tag that any catalog action or environment carries, so it never applies"]) if {
	some id, blocker in data.world.blockers
	count({tag | some tag in blocker.tags; tag in catalog_tags}) == 0
}

lint_findings contains finding("unknown-resolved", "warning", [file, ": resolved_in_this_macro lists ", id, ", which no loaded map has"]) if {
	some id, file in data.world.resolved
	not data.world.blockers[id]
}

lint_findings contains finding("unknown-resolves", "warning", [grant.where, ": grant ", grant_id, " resolves ", blocker_id, ", which no loaded map has"]) if {
	some grant_id, grant in data.world.grants
	some blocker_id in grant.resolves
	not data.world.blockers[blocker_id]
}

lint_findings contains finding("unknown-action", "warning", [grant.where, ": grant ", grant_id, " is for action '", grant.action, "', which the catalog does not have"]) if {
	some grant_id, grant in data.world.grants
	not data.world.catalog.actions[grant.action]
}

lint_findings contains finding("unknown-environment", "warning", [grant.where, ": grant ", grant_id, " is for environment '", grant.environment, "', which the catalog does not have"]) if {
	some grant_id, grant in data.world.grants
	not data.world.catalog.environments[grant.environment]
}

lint_findings contains finding("role-without-key", "warning", [blocker.where, ": blocker ", id, " needs role '", role, "', which no trusted key holds"]) if {
	is_array(data.world.trusted_roles)
	some id, blocker in data.world.blockers
	some role in blocker.roles
	not role in data.world.trusted_roles
}

lint_findings contains finding("role-not-required", "warning", [grant.where, ": grant ", grant_id, " by role '", grant.role, "' resolves ", blocker_id, ", which does not need that role"]) if {
	some grant_id, grant in data.world.grants
	some blocker_id in grant.resolves
	blocker := data.world.blockers[blocker_id]
	not blocker.problem
	not grant.role in blocker.roles
}
