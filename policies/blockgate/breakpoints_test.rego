# The breakpoints (breakpoints.rego): which instants they list, and the property the host's memo
# rests on: over several small worlds, decision and plan change with `at` only at a listed
# breakpoint. It fails when a rule compares `at` with an instant the breakpoints do not list
# (test/policy/breakpoints-bite.test.ts adds such rules to a copy of policies/ to prove it).
#
# What the property catches: every instant of each world's span (its first breakpoint minus a
# margin to its last plus a margin) is compared with the one before, so any comparison that
# changes an answer inside the span is found, whatever its form. Outside the span only probes are
# compared with the span's edge: the extremes of SPEC 1.2's time range and a few instants between
# them, so one threshold anywhere (`at < C`, `at >= issued_at + a day`) is found, and a window
# that opens and closes again outside the span only when a probe falls in it.
package blockgate_test

import data.blockgate

# A timeline around `now` where every kind of time matters: B (owner + operator, evidence) after
# P (sec); E (owner or dba) for a target; grants issued, expiring and revoked at distinct instants;
# C (owner) after Q (dba, never granted): the plan closes Q at `at`, so C's grant counts in the
# plan only when issued at `at` or later; a revoke by another role and one from an unknown key
# (listed, though they change nothing).
timeline_world := world(
	[
		needs_evidence(after(all_of("B", ["operator", "owner"], ["apply"]), ["P"])),
		all_of("P", ["sec"], ["permit"]),
		any_of("E", ["dba", "owner"], ["production"]),
		after(all_of("C", ["owner"], ["apply"]), ["Q"]),
		all_of("Q", ["dba"], ["permit"]),
	],
	[
		grant("P-1", "sec", ["P"], now - 20),
		object.union(grant("P-2", "sec", ["P"], now - 30), {"expires_at": now - 12}),
		with_evidence(grant("B-owner-early", "owner", ["B"], now - 25)),
		with_evidence(grant("B-owner", "owner", ["B"], now - 8)),
		object.union(with_evidence(grant("B-operator", "operator", ["B"], now - 15)), {"expires_at": now + 10}),
		object.union(grant("E-dba", "dba", ["E"], now - 5), {"target": "QT001"}),
		grant("E-owner", "owner", ["E"], now + 4),
		grant("C-owner", "owner", ["C"], now + 12),
	],
	[
		revoke("R-owner", "owner", "E-owner", now + 7),
		revoke("R-other-role", "operator", "B-owner", now - 2),
		object.union(revoke("R-unknown", "owner", "B-owner", now + 1), {"auth": "unknown-key"}),
	],
)

timeline_requests := [
	{"action": "apply", "environment": "production"},
	{"action": "apply", "environment": "production", "target": "QT001"},
	{"action": "permit", "environment": "staging"},
]

# What-if revokes (SPEC 3 `what-if --revoke`): one before its grant is issued, one of a grant whose
# key is unknown (it changes nothing), two of one grant, one beside a ledger revoke of another role.
what_if_world := with_what_if_revokes(
	world(
		[
			all_of("W", ["owner"], ["apply"]),
			any_of("V", ["dba", "sec"], ["production"]),
		],
		[
			grant("W-1", "owner", ["W"], now - 6),
			object.union(grant("W-2", "owner", ["W"], now - 3), {"expires_at": now + 9}),
			grant("V-dba", "dba", ["V"], now + 2),
			object.union(grant("V-sec", "sec", ["V"], now - 10), {"auth": "unknown-key"}),
		],
		[revoke("R-W1-other", "sec", "W-1", now - 4)],
	),
	[
		what_if_revoke("W-1", now + 5),
		what_if_revoke("W-2", now - 1),
		what_if_revoke("W-2", now + 6),
		what_if_revoke("V-dba", now - 8),
		what_if_revoke("V-sec", now + 3),
	],
)

what_if_requests := [
	{"action": "apply", "environment": "production"},
	{"action": "apply", "environment": "staging"},
]

# Instants that coincide (an expiry at another grant's issue, a revoke at its grant's issue), a
# declared-resolved prerequisite, a blocker no grant can close, and an unverified ledger.
coinciding_world := object.union(
	world_resolved(
		[
			after(any_of("A", ["owner", "sec"], ["cutover"]), ["R", "P"]),
			all_of("R", ["dba"], ["permit"]),
			all_of("P", ["sec"], ["permit"]),
			problem_blocker("N", "no-role", "(nobody)", ["cutover"]),
		],
		[
			object.union(grant("A-owner", "owner", ["A"], now - 4), {"action": "cutover", "expires_at": now + 3}),
			object.union(grant("A-sec", "sec", ["A"], now + 3), {"action": "cutover"}),
			object.union(grant("P-sec", "sec", ["P"], now - 2), {"action": "cutover", "expires_at": now + 3}),
		],
		["R"],
	),
	{
		"ledger": {"verified": false},
		"revokes_by_grant": {"A-sec": [revoke("R-A-sec", "sec", "A-sec", now + 3)]},
	},
)

coinciding_requests := [{"action": "cutover", "environment": "production"}]

# No ledger: no breakpoint, one answer for all time.
unledgered_world := world([all_of("B", ["owner"], ["apply"]), any_of("E", ["dba", "owner"], ["production"])], [], [])

property_cases := [
	{"name": "timeline", "world": timeline_world, "requests": timeline_requests},
	{"name": "what-if", "world": what_if_world, "requests": what_if_requests},
	{"name": "coinciding", "world": coinciding_world, "requests": coinciding_requests},
	{"name": "unledgered", "world": unledgered_world, "requests": timeline_requests},
]

# Every answer of a case at one instant: the decision and the plan of each of its requests.
answers_at(case, at) := [[decide_for(case.world, r), plan_for(case.world, r)] |
	some request in case.requests
	r := object.union(request, {"at": at})
]

breaks_of(case) := breaks if {
	breaks := blockgate.breakpoints with data.world as case.world
}

# Instants a whole margin beyond the first and last breakpoint are scanned too.
span_margin := 5

# [lo, hi]: the instants scanned one by one. Without breakpoints, around `now`.
scan_span(breaks) := [min(breaks) - span_margin, max(breaks) + span_margin] if count(breaks) > 0

else := [now - span_margin, now + span_margin]

# SPEC 1.2's earliest and latest instants, the epoch and its neighbours, and a few years between.
probe_instants := [
	-62167219200000, # 0000-01-01T00:00:00Z
	-30610224000000, # 1000-01-01
	-2208988800000, # 1900-01-01
	-1,
	0,
	1,
	946684800000, # 2000-01-01
	1767225600000, # 2026-01-01
	1798761600000, # 2027-01-01
	4102444800000, # 2100-01-01
	32503680000000, # 3000-01-01
	253402300799999, # 9999-12-31T23:59:59.999Z
]

# `at` and `at - 1` lie in one time class unless one of them is a breakpoint.
same_class(breaks, at) if {
	not at in breaks
	not (at - 1) in breaks
}

# The instants in (lo, hi] where the answers differ from a millisecond before, yet no breakpoint explains it.
unexplained_changes(case, breaks, lo, hi) := {at |
	some at in numbers.range(lo + 1, hi)
	same_class(breaks, at)
	answers_at(case, at) != answers_at(case, at - 1)
}

# A probe beyond the span lies in the unbounded class before the first or after the last
# breakpoint, as does the span's edge on its side: their answers must agree.
class_edge(probe, lo, _) := lo if probe < lo

class_edge(probe, _, hi) := hi if probe > hi

unexplained_probes(case, lo, hi) := {probe |
	some probe in probe_instants
	edge := class_edge(probe, lo, hi)
	answers_at(case, probe) != answers_at(case, edge)
}

# Per case, the instants whose answers change where no breakpoint explains it (none when the property holds).
span_violations(case) := unexplained_changes(case, breaks, lo, hi) if {
	breaks := breaks_of(case)
	[lo, hi] := scan_span(breaks)
}

probe_violations(case) := unexplained_probes(case, lo, hi) if {
	[lo, hi] := scan_span(breaks_of(case))
}

test_answers_change_only_at_breakpoints_within_each_span if {
	every case in property_cases {
		span_violations(case) == set()
	}
}

test_answers_change_only_at_breakpoints_beyond_each_span if {
	every case in property_cases {
		probe_violations(case) == set()
	}
}

test_breakpoints_are_every_ledger_time if {
	breaks_of(property_cases[0]) == {
		now - 30, now - 25, now - 20, now - 15, now - 12, now - 8, now - 5, now + 4, now + 10, now + 12, # grants
		now + 7, now - 2, now + 1, # revokes
	}
}

test_breakpoints_list_what_if_revokes if {
	breaks_of(property_cases[1]) == {
		now - 6, now - 3, now + 9, now + 2, now - 10, # grants
		now - 4, # the ledger's revoke
		now + 5, now - 1, now + 6, now - 8, now + 3, # what-if revokes
	}
}

test_breakpoints_ignore_the_request_and_an_empty_ledger_has_none if {
	breaks_of(property_cases[3]) == set()
	blockgate.breakpoints == breaks_of(property_cases[0]) with data.world as timeline_world with input as {"action": "nope"}
}

# The scan can fail: leave out an instant at which something does change, and it is found.
test_the_scan_finds_a_missing_breakpoint if {
	case := property_cases[0]
	breaks := breaks_of(case)
	every t in breaks - {now - 2, now + 1} {
		count(unexplained_changes(case, breaks - {t}, t - 2, t + 2)) > 0
	}
}

# Each what-if revoke that changes something is one: without it listed, the scan finds a change.
# (W-2's second revoke comes after its first; V-sec's key is unknown: neither changes anything.)
# One before its grant is issued changes the reason the grant is ignored for: revoked first.
test_the_scan_finds_a_missing_what_if_revoke if {
	case := property_cases[1]
	breaks := breaks_of(case)
	every t in [now + 5, now - 1, now - 8] {
		count(unexplained_changes(case, breaks - {t}, t - 2, t + 2)) > 0
	}
}

# The probes can fail too: an answer that differs at a probe from the span's edge is found.
test_the_probes_find_a_change_beyond_the_span if {
	case := object.union(property_cases[0], {"requests": [{"action": "apply", "environment": "production"}]})
	probes := unexplained_probes(case, now - 1, now + 1)
	0 in probes
	253402300799999 in probes
}
