# Way (b) of the differential test: the policy in policies/blockgate, evaluated by OPA's Go
# interpreter over many worlds in one process. data.worlds holds the worlds (as the host builds
# data.world); data.cases the requests, each naming its world and whether a plan is wanted.
package differential

import data.blockgate

results := [answer(i, c) | some i, c in data.cases]

answer(i, c) := {"i": i, "decision": d, "plan": p} if {
	c.plan
	d := blockgate.decision with data.world as data.worlds[c.world] with input as c.input
	p := blockgate.plan with data.world as data.worlds[c.world] with input as c.input
} else := {"i": i, "decision": d} if {
	d := blockgate.decision with data.world as data.worlds[c.world] with input as c.input
}
