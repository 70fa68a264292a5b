# The time builtins over generated cases, for the differential suite (time-builtins.test.ts):
# `results` maps every case in data.cases at once under native `opa eval`; `one` is the WASM
# entrypoint, one case per evaluation as the input. Each answer is its result's JSON text, so
# nanosecond values leave either side exactly; a case that errors has no answer.
package timebuiltins

call(c) := time.date(c.args[0]) if c.fn == "date"

call(c) := time.clock(c.args[0]) if c.fn == "clock"

call(c) := time.weekday(c.args[0]) if c.fn == "weekday"

call(c) := time.add_date(c.args[0], c.args[1], c.args[2], c.args[3]) if c.fn == "add_date"

call(c) := time.diff(c.args[0], c.args[1]) if c.fn == "diff"

call(c) := time.parse_rfc3339_ns(c.args[0]) if c.fn == "parse_rfc3339_ns"

results := {c.i: json.marshal(call(c)) | some c in data.cases}

one := json.marshal(call(input))

# time.now_ns() is the request's `at`, exact through arithmetic and back into the builtins
# (an array: WASM's json.marshal does not sort object keys).
now := json.marshal([
	time.now_ns(),
	time.now_ns() - 1,
	time.date(time.now_ns() - 1),
	time.clock([time.now_ns() + 1, "America/New_York"]),
	(time.now_ns() + 1) > time.now_ns(),
])

# One of opa-wasm's JavaScript builtins, called beside the host's.
message := sprintf("%s at %d:%d", ["freeze", clock[0], clock[1]]) if {
	clock := time.clock([time.now_ns(), "Europe/Berlin"])
}
