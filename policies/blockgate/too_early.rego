# When the prerequisites of a blocker with a too-early grant were met (SPEC 2.3's T(b)): the
# instant from which a new grant counts, for the text that says one is needed. It is carried
# beside SPEC 3's shapes (the host never puts it in a denial) and computed here, not in the host.
package blockgate

# T(b) in epoch ms, for each denied blocker with `grant-too-early` among its reasons.
prerequisites_met_at[blocker_id] := prerequisite_time[blocker_id] if {
	some blocker_id in blocker_denied
	"grant-too-early" in denial_reasons[blocker_id]
}

# A key of the decision only when some blocker has one: every other decision keeps its keys.
prerequisites_met_part := {} if count(prerequisites_met_at) == 0

else := {"prerequisites_met_at": prerequisites_met_at}
