# Evidence origin (examples/rules/README.md): every evidence URI of a grant that counts for an
# applicable blocker must be https on a host of data.blockgate_rules_config.evidence_origin.hosts.
# The host is the whole authority (up to the first "/", "?" or "#"), less an optional port of
# digits, compared exactly and case-insensitively; an authority with userinfo ("@") or anything
# else unusual is refused, so https://docs.example.com@evil.example/ never passes.
package blockgate.rules

import data.blockgate.view
import data.blockgate_rules_config.evidence_origin as origin_config

# METADATA
# title: evidence-origin
# description: |
#   Evidence of a counting grant must be an https URI on an allow-listed host
#   (data.blockgate_rules_config.evidence_origin.hosts).
deny contains {"id": "evidence-origin", "message": message, "next_action": next_action} if {
	some blocker_id, grant_ids in view.satisfied
	some grant_id in grant_ids
	some evidence in view.grants[grant_id].evidence
	not origin_allowed(evidence.uri)
	message := concat("", [
		# Quoted as written: json.marshal escapes &, <, > and U+2028 under opa but not in WASM.
		"grant ", grant_id, " (counting for ", blocker_id, ") cites evidence at \"", evidence.uri, "\"",
		", which is not an https URI on an allow-listed host",
	])
	next_action := concat("", [
		"store the evidence on ", concat(" or ", sort(origin_config.hosts)), " and issue grant ", grant_id, " again",
	])
}

origin_allowed(uri) if {
	startswith(lower(uri), "https://")
	authority := origin_authority(substring(uri, 8, -1))
	not contains(authority, "@")
	host := origin_host(authority)
	lower(host) in {lower(allowed) | some allowed in origin_config.hosts}
}

# The text before the first "/", "?" or "#".
origin_authority(rest) := split(split(split(rest, "/")[0], "?")[0], "#")[0]

# The authority less a port: none, or ":" and one or more digits.
origin_host(authority) := authority if not contains(authority, ":")

origin_host(authority) := parts[0] if {
	parts := split(authority, ":")
	count(parts) == 2
	regex.match(`^[0-9]+$`, parts[1])
}
