# Change freeze (examples/rules/README.md): production applies and cutovers are denied inside
# the windows of data.blockgate_rules_config.change_freeze, each [start, end) in RFC 3339 with
# an IANA time zone in which its end is shown. It reads time, so it lists each window's edges
# under `breakpoints`: the memo stays exact.
package blockgate.rules

import data.blockgate_rules_config.change_freeze as freeze_config

# METADATA
# title: change-freeze
# description: |
#   Production applies and cutovers are denied from a freeze window's start until its end
#   (data.blockgate_rules_config.change_freeze.windows); the next action is to wait for the end,
#   shown in the window's time zone.
deny contains {"id": "change-freeze", "message": message, "next_action": next_action} if {
	input.action in freeze_config.actions
	input.environment in freeze_config.environments
	some window in freeze_config.windows
	freeze_ms(window.start) <= input.at
	input.at < freeze_ms(window.end)
	message := concat("", [
		input.action, " in ", input.environment, " is frozen by the change freeze \"", window.name,
		"\" (", window.start, " until ", window.end, ")",
	])
	next_action := concat("", [
		"wait until ", freeze_local_time(window.end, window.time_zone),
		", when the change freeze \"", window.name, "\" ends",
	])
}

# The instants at which the answer changes: each window's start and end.
breakpoints contains freeze_ms(window.start) if some window in freeze_config.windows

breakpoints contains freeze_ms(window.end) if some window in freeze_config.windows

# An RFC 3339 time in integer epoch ms; rounding up keeps `at >= t` and `at < t` exact for
# integer `at` when t has a fraction of a millisecond.
freeze_ms(text) := ceil(time.parse_rfc3339_ns(text) / 1000000)

# "2027-01-04 08:00 Europe/Berlin" (seconds only when not zero). sprintf is not in WASM.
freeze_local_time(text, zone) := concat("", [
	format_int(year, 10), "-", freeze_two_digits(month), "-", freeze_two_digits(day), " ",
	freeze_two_digits(hour), ":", freeze_two_digits(minute), freeze_seconds(second), " ", zone,
]) if {
	ns := time.parse_rfc3339_ns(text)
	[year, month, day] := time.date([ns, zone])
	[hour, minute, second] := time.clock([ns, zone])
}

freeze_two_digits(n) := concat("", ["0", format_int(n, 10)]) if n < 10

else := format_int(n, 10)

freeze_seconds(0) := ""

freeze_seconds(s) := concat("", [":", freeze_two_digits(s)]) if s != 0
