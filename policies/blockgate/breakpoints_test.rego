# The breakpoints (breakpoints.rego): which instants they list, and that every instant at which
# a decision or plan changes is one of them, found by trying every millisecond of a timeline.
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

timeline_requests(at) := [
	{"action": "apply", "environment": "production", "at": at},
	{"action": "apply", "environment": "production", "target": "QT001", "at": at},
	{"action": "permit", "environment": "staging", "at": at},
]

answers_at(w, at) := [[decide_for(w, r), plan_for(w, r)] | some r in timeline_requests(at)]

# `at` and `at - 1` lie in one time class unless one of them is a breakpoint.
same_class(breaks, at) if {
	not at in breaks
	not (at - 1) in breaks
}

# The instants in (lo, hi] where the answers differ from a millisecond before, yet no breakpoint explains it.
unexplained_changes(w, breaks, lo, hi) := {at |
	some at in numbers.range(lo + 1, hi)
	same_class(breaks, at)
	answers_at(w, at) != answers_at(w, at - 1)
}

timeline_breaks := breaks if {
	breaks := blockgate.breakpoints with data.world as timeline_world
}

test_breakpoints_are_every_ledger_time if {
	timeline_breaks == {
		now - 30, now - 25, now - 20, now - 15, now - 12, now - 8, now - 5, now + 4, now + 10, now + 12, # grants
		now + 7, now - 2, now + 1, # revokes
	}
}

test_breakpoints_ignore_the_request_and_an_empty_ledger_has_none if {
	blockgate.breakpoints == set() with data.world as world([all_of("B", ["owner"], ["apply"])], [], [])
	blockgate.breakpoints == timeline_breaks with data.world as timeline_world with input as {"action": "nope"}
}

# Fails when a rule compares `at` with a time the breakpoints do not list: the answers would
# change at an instant inside a class.
test_answers_change_only_at_breakpoints if {
	unexplained_changes(timeline_world, timeline_breaks, now - 35, now + 20) == set()
}

# The scan can fail: leave out an instant at which something does change, and it is found.
test_the_scan_finds_a_missing_breakpoint if {
	every t in [now - 30, now - 25, now - 20, now - 15, now - 12, now - 8, now - 5, now + 4, now + 7, now + 10, now + 12] {
		count(unexplained_changes(timeline_world, timeline_breaks - {t}, t - 2, t + 2)) > 0
	}
}
