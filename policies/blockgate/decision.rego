# The decision and its explanation (SPEC 2.4).
package blockgate

default allowed := false

# Allowed only for a known request with no applicable blocker left unsatisfied, no rule denying
# and no rule output malformed (SPEC 6: rules never weaken the blocker decision).
allowed if {
	request_known
	count(blocker_denied) == 0
	rules_allow
}

# METADATA
# title: decision
# description: |
#   Decides one request (input: action, environment, target?, at in epoch ms) against the
#   loaded blocker maps and grant ledger (data.world), and explains it: SPEC 2.1 to 2.4, with
#   the rules' denials and warnings (SPEC 6); `rule_problems`, only when there is one, lists
#   the rules' outputs that are not as SPEC 6 says (the host raises them as errors).
#   `prerequisites_met_at`, only when a grant is too early, gives each such blocker's T(b).
# entrypoint: true
decision := decision_explained if count(rule_problems) == 0

else := object.union(decision_explained, {"rule_problems": rule_problems})

decision_explained := object.union(
	{
		"allowed": allowed,
		"denials": [denial | some blocker_id in sort(object.keys(denials_by_id)); some denial in denials_by_id[blocker_id]],
		"satisfied": [{"blocker_id": blocker_id, "grants": sort(counting_grants[blocker_id])} |
			some blocker_id in sort(blocker_satisfied)
		],
		"ignored_grants": ignored_grants,
		"warnings": warnings,
	},
	prerequisites_met_part,
)

# The denials of each id, sorted: a blocker's one (a rule's with its id is a conflict), or the rules'.
denials_by_id[blocker_id] := [denial(blocker_id)] if some blocker_id in blocker_denied

denials_by_id[blocker_id] := sort({denial | some denial in rule_denials; denial.blocker_id == blocker_id}) if {
	some blocker_id in rule_denial_ids
	not blocker_denied[blocker_id]
}

denial(blocker_id) := {
	"kind": "blocker",
	"blocker_id": blocker_id,
	"item": blocker.item,
	"next_action": blocker.next_action,
	"actor_needed": blocker.actor_needed,
	"blocks": sort(blocker.tags),
	"required_roles": sort(blocker.roles),
	"mode": blocker.mode,
	"missing_roles": sort(missing_roles[blocker_id]),
	"reasons": sort(denial_reasons[blocker_id]),
	"source": blocker.source,
} if blocker := data.world.blockers[blocker_id]

# SPEC 2.4: mode all, the roles without a counting grant; mode any, all or none.
missing_roles[blocker_id] := missing if {
	some blocker_id in blocker_denied
	blocker := data.world.blockers[blocker_id]
	missing := roles_missing(blocker, object.get(counting_roles, blocker_id, set()))
}

roles_missing(blocker, counted) := {role | some role in blocker.roles; not role in counted} if blocker.mode == "all"

roles_missing(blocker, counted) := {role | some role in blocker.roles} if {
	blocker.mode == "any"
	count(counted) == 0
}

roles_missing(blocker, counted) := set() if {
	blocker.mode == "any"
	count(counted) > 0
}

denial_reasons[blocker_id] := (problem_reasons(blocker) | prerequisite_reasons(blocker)) | role_reasons if {
	some blocker_id in blocker_denied
	blocker := data.world.blockers[blocker_id]
	role_reasons := {missing_role_reason(blocker, role) | some role in missing_roles[blocker_id]}
}

problem_reasons(blocker) := {blocker.problem} if blocker.problem

else := set()

prerequisite_reasons(blocker) := set() if prerequisites_met(blocker)

else := {"prerequisite-unsatisfied"}

# G = the role's in-force grants resolving b; E = those with evidence where required.
missing_role_reason(blocker, role) := "missing-grant" if {
	count(role_grants_in_force(blocker, role)) == 0
} else := "evidence-missing" if {
	count({grant_id |
		some grant_id in role_grants_in_force(blocker, role)
		evidence_ok(data.world.grants[grant_id], blocker)
	}) == 0
} else := "grant-too-early"

# Every grant naming an applicable blocker without counting for it, with the first reason why.
# A complete rule: computed once, then looked up by value.
grant_ignored := {[grant_id, reason, blocker_id] |
	some blocker_id in blocker_applies
	blocker := data.world.blockers[blocker_id]
	some grant_id in data.world.grants_by_blocker[blocker_id]
	not grant_counts(grant_id, blocker)
	reason := ignore_reason(data.world.grants[grant_id], blocker)
}

ignore_reason(grant, blocker) := status if {
	status := grant_status(grant)
	status != "in-force"
} else := "role-not-required" if {
	not grant.role in blocker.roles
} else := "evidence-missing" if {
	not evidence_ok(grant, blocker)
} else := "too-early"

# Sorted by [grant id, reason]: block by block in grant id order (data.world.grant_sort_block,
# all in block 0 without it), each block sorted on its own. That is sort() of all pairs without
# one long sort, which OPA's WASM runtime does by insertion, in time quadratic in its length.
# A grant names only the blockers it resolves, so its blocker ids are found among those by set
# lookup (grant_ignored[x]; in WASM `x in set` is a scan), not by a scan of every ignored triple.
ignored_grants := [{"grant_id": grant_id, "blocker_ids": blocker_ids, "reason": reason} |
	some block in sort(object.keys(ignored_pairs_by_block))
	some [grant_id, reason] in sort(ignored_pairs_by_block[block])
	blocker_ids := sort({blocker_id |
		some blocker_id in data.world.grants[grant_id].resolves
		grant_ignored[[grant_id, reason, blocker_id]]
	})
]

ignored_pairs_by_block[block] contains [grant_id, reason] if {
	some [grant_id, reason, _] in grant_ignored
	block := object.get(data.world, ["grant_sort_block", grant_id], 0)
}

# SPEC 2.4: sorted by code, then message. Each code's list is sorted on its own and the lists
# are joined in code order, so no one sort runs over all of them; the rules' warnings (SPEC 6),
# one list per id, go in among them by code.
core_warnings := array.flatten([applies_nowhere_warnings, verification_warnings, revoke_without_effect_warnings])

warnings := core_warnings if count(rule_warnings_by_code) == 0

else := array.flatten([warnings_of_code(code) | some code in sort({w.code | some w in core_warnings} | object.keys(rule_warnings_by_code))])

warnings_of_code(code) := sort(array.concat(
	[w | some w in core_warnings; w.code == code],
	rule_warnings_of_code(code),
))

# A loaded blocker none of whose tags the catalog carries can never block anything.
applies_nowhere_warnings := [{"code": "blocker-applies-nowhere", "message": message} |
	some message in sort({message |
		some id, blocker in data.world.blockers
		not blocker_reaches_catalog(blocker)
		message := concat("", [blocker.where, ": blocker ", id, " applies nowhere: ", tags_not_in_catalog(blocker.tags)])
	})
]

blocker_reaches_catalog(blocker) if {
	some tag in blocker.tags
	catalog_tags[tag]
}

tags_not_in_catalog(tags) := "it has no tags" if count(tags) == 0

else := concat("", ["no catalog action or environment carries any of its tags (", concat(", ", sort(tags)), ")"])

# Unless the world says its ledger was verified, the decision says it was not.
default verification_warnings := [{
	"code": "ledger-not-verified",
	"message": "signatures were not checked (--insecure-no-verify): every ledger entry counts with its own role",
}]

verification_warnings := [] if data.world.ledger.verified

# A revoke naming a grant of an applicable blocker that does not take effect at `at` for a reason
# other than time. One from another role never takes effect, so it is warned of even before it is issued.
revoke_without_effect_warnings := [{"code": "revoke-without-effect", "message": message} |
	some message in sort({message |
		some blocker_id in blocker_applies
		some grant_id in data.world.grants_by_blocker[blocker_id]
		some revoke in data.world.revokes_by_grant[grant_id]
		why := revoke_ineffective_because(revoke, data.world.grants[grant_id])
		message := concat("", [revoke.where, ": revoke ", revoke.id, " of grant ", grant_id, " has no effect (", why, ")"])
	})
]

# Why a revoke can never take effect on its grant (SPEC 2.1): its key, or its role.
revoke_ineffective_because(revoke, _) := revoke.auth if revoke.auth != "ok"

revoke_ineffective_because(revoke, grant) := concat("", ["other-role: ", revoke.role, ", not the grant's ", grant.role]) if {
	revoke.auth == "ok"
	revoke.role != grant.role
}
