# Change freeze: the windows of data.json, at and around each edge, against the real core policy.
package blockgate_rules_test.change_freeze

import data.blockgate.rules
import data.blockgate.testing

# year-end: 2026-12-21T18:00:00+01:00 until 2027-01-04T08:00:00+01:00 (Europe/Berlin).
year_end_start := 1797872400000

year_end_end := 1799046000000

# quarter-close: 2027-03-29T04:00:00Z until 2027-04-01T13:30:00Z (America/New_York).
quarter_start := 1806292800000

quarter_end := 1806586200000

owner_blocker := testing.blocker("B-PROD", ["owner"], ["production"])

# The blocker map alone allows this: the owner's grant, issued long before any window.
blocker_world := testing.world([owner_blocker], [testing.grant("G-1", "owner", "apply", "production", ["B-PROD"], 1700000000000)])

freeze_denials(req) := {d | some d in denials; d.id == "change-freeze"} if {
	denials := rules.deny with data.world as blocker_world with input as req
}

test_blockers_allow_but_the_freeze_denies if {
	req := testing.request("apply", "production", year_end_start + 1000)
	testing.blockers_allow(blocker_world, req)
	freeze_denials(req) == {{
		"id": "change-freeze",
		"message": "apply in production is frozen by the change freeze \"year-end\" (2026-12-21T18:00:00+01:00 until 2027-01-04T08:00:00+01:00)",
		"next_action": "wait until 2027-01-04 08:00 Europe/Berlin, when the change freeze \"year-end\" ends",
	}}
}

test_year_end_edges if {
	count(freeze_denials(testing.request("apply", "production", year_end_start - 1))) == 0
	count(freeze_denials(testing.request("apply", "production", year_end_start))) == 1
	count(freeze_denials(testing.request("apply", "production", year_end_end - 1))) == 1
	count(freeze_denials(testing.request("apply", "production", year_end_end))) == 0
}

test_quarter_close_edges if {
	count(freeze_denials(testing.request("cutover", "production", quarter_start - 1))) == 0
	count(freeze_denials(testing.request("cutover", "production", quarter_start))) == 1
	count(freeze_denials(testing.request("cutover", "production", quarter_end - 1))) == 1
	count(freeze_denials(testing.request("cutover", "production", quarter_end))) == 0
}

# The end, given in UTC, is shown in the window's zone (EDT, UTC-4, on 2027-04-01).
test_next_action_in_the_window_time_zone if {
	[d] := [d | some d in freeze_denials(testing.request("cutover", "production", quarter_start))]
	d.next_action == "wait until 2027-04-01 09:30 America/New_York, when the change freeze \"quarter-close\" ends"
	d.message == "cutover in production is frozen by the change freeze \"quarter-close\" (2027-03-29T04:00:00Z until 2027-04-01T13:30:00Z)"
}

test_other_actions_and_environments_are_not_frozen if {
	at := year_end_start + 1000
	count(freeze_denials(testing.request("permit", "production", at))) == 0
	count(freeze_denials(testing.request("apply", "staging", at))) == 0
	count(freeze_denials(testing.request("cutover", "development", at))) == 0
}

test_breakpoints_are_the_window_edges if {
	rules.breakpoints == {year_end_start, year_end_end, quarter_start, quarter_end}
}

# Seconds are shown when the end has them; single-digit fields are zero-padded.
test_local_time_with_seconds if {
	rules.freeze_local_time("2027-02-03T04:05:06Z", "UTC") == "2027-02-03 04:05:06 UTC"
	rules.freeze_local_time("2027-07-01T22:30:00Z", "Asia/Tokyo") == "2027-07-02 07:30 Asia/Tokyo"
}

# A sub-millisecond edge rounds up: at 999 ms the window has not yet started at 999.5 ms.
fractional_config := {"actions": ["apply"], "environments": ["production"], "windows": [{
	"name": "w", "start": "2027-01-01T00:00:00.9995Z", "end": "2027-01-02T00:00:00Z", "time_zone": "UTC",
}]}

fractional_denials(at) := denials if {
	denials := freeze_denials(testing.request("apply", "production", at)) with data.blockgate_rules_config.change_freeze as fractional_config
}

test_fractional_edge if {
	count(fractional_denials(1798761600999)) == 0
	count(fractional_denials(1798761601000)) == 1
	bps := rules.breakpoints with data.blockgate_rules_config.change_freeze as fractional_config
	bps == {1798761601000, 1798848000000}
}
