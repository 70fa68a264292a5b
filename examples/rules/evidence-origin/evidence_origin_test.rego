# Evidence origin (hosts docs.example.com and evidence.example.org in data.json).
package blockgate_rules_test.evidence_origin

import data.blockgate.rules
import data.blockgate.testing

at := 1798761600000

req := testing.request("apply", "production", at)

b1 := testing.blocker("B-1", ["owner"], ["production"])

sha := "0000000000000000000000000000000000000000000000000000000000000000"

with_uris(g, uris) := testing.with_evidence(g, [{"uri": uri, "sha256": sha} | some uri in uris])

owner_with(uris) := with_uris(testing.grant("G-1", "owner", "apply", "production", ["B-1"], at - 10), uris)

origin_denials(w) := {d | some d in denials; d.id == "evidence-origin"} if {
	denials := rules.deny with data.world as w with input as req
}

denied_uri(uri) if count(origin_denials(testing.world([b1], [owner_with([uri])]))) > 0

test_an_outside_host_is_denied_though_the_blockers_allow if {
	w := testing.world([b1], [owner_with(["https://docs.example.com/ok", "https://evil.example/x"])])
	testing.blockers_allow(w, req)
	origin_denials(w) == {{
		"id": "evidence-origin",
		"message": "grant G-1 (counting for B-1) cites evidence at \"https://evil.example/x\", which is not an https URI on an allow-listed host",
		"next_action": "store the evidence on docs.example.com or evidence.example.org and issue grant G-1 again",
	}}
}

test_allowed_uris if {
	every uri in [
		"https://docs.example.com/doc/1",
		"https://docs.example.com",
		"https://DOCS.Example.COM/Doc",
		"HTTPS://evidence.example.org/a?b=c#d",
		"https://docs.example.com:443/x",
		"https://docs.example.com?x=@evil.example",
		"https://docs.example.com#@evil.example",
		"https://docs.example.com/@evil.example",
	] {
		not denied_uri(uri)
	}
}

test_userinfo_and_lookalikes_are_denied if {
	every uri in [
		"https://docs.example.com@evil.example/",
		"https://user@docs.example.com/",
		"https://docs.example.com:443@evil.example/",
		"https://evil.example#@docs.example.com",
		"https://docs.example.com.evil.example/",
		"https://evil-docs.example.com/",
		"https://docs.example.com./x",
		"https://docs.example.com\\@evil.example/",
		"https://evil.example\\docs.example.com",
		"https://docs%2eexample.com/",
		"https://docs.example.com:/x",
		"https://docs.example.com:44x/",
		"https://docs.example.com:1:2/",
		"https://[::1]/",
		"https:///docs.example.com/",
		"https:docs.example.com/",
		" https://docs.example.com/",
		"https://docs.example.com /",
		"",
	] {
		denied_uri(uri)
	}
}

test_other_schemes_are_denied if {
	every uri in ["http://docs.example.com/", "ftp://docs.example.com/", "file:///etc/passwd", "docs.example.com/x"] {
		denied_uri(uri)
	}
}

# Only grants that count for an applicable blocker are looked at.
test_non_counting_grants_are_not_checked if {
	other := with_uris(testing.grant("G-2", "operator", "apply", "production", ["B-1"], at - 10), ["https://evil.example/"])
	w := testing.world([b1], [owner_with(["https://docs.example.com/"]), other])
	count(origin_denials(w)) == 0
}

test_no_evidence_is_not_this_rules_business if {
	w := testing.world([b1], [testing.grant("G-1", "owner", "apply", "production", ["B-1"], at - 10)])
	count(origin_denials(w)) == 0
}

test_hosts_from_config if {
	cfg := {"hosts": ["evil.example"]}
	not denied_uri("https://evil.example/x") with data.blockgate_rules_config.evidence_origin as cfg
	denied_uri("https://docs.example.com/x") with data.blockgate_rules_config.evidence_origin as cfg
}
