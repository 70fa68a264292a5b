# A smallest hitting set ("set cover" of choices): given choices, each a set of elements of which
# any one will do, the fewest elements that meet every choice. Nothing here knows of blockers,
# roles or grants; plan.rego asks it which roles settle the one-of blockers it must close.
package blockgate.cover

# An exhaustive search over 2^n subsets is exact, ties included, for up to this many candidates.
max_exhaustive_candidates := 12

# The least set of elements meeting every choice, fewest first, ties broken by the least sorted
# list (so alphabetically for strings). An empty choice can never be met and is left out.
smallest(choices) := smallest_within(meetable, search_candidates(meetable)) if {
	meetable := {choice | some choice in choices; count(choice) > 0}
	count(meetable) > 0
} else := set()

# Every element of some choice, sorted.
candidates(choices) := sort({element | some choice in choices; some element in choice})

# The choices an element would meet.
choices_met_by(element, choices) := {choice | some choice in choices; element in choice}

# An element is dominated when another meets every choice it meets (and, if they meet the same
# ones, comes first): some smallest cover never needs it.
dominated(element, choices, among) if {
	mine := choices_met_by(element, choices)
	some other in among
	other != element
	theirs := choices_met_by(other, choices)
	count(mine - theirs) == 0
	not equally_met_and_first(element, other, mine, theirs)
}

equally_met_and_first(element, other, mine, theirs) if {
	mine == theirs
	element < other
}

# Beyond the limit, dominated elements are left out first: still a smallest cover, though a tie
# may then resolve to a different, equally small set.
search_candidates(choices) := every_candidate if {
	every_candidate := candidates(choices)
	count(every_candidate) <= max_exhaustive_candidates
} else := undominated if {
	every_candidate := candidates(choices)
	undominated := sort({element | some element in every_candidate; not dominated(element, choices, every_candidate)})
}

smallest_within(choices, searched) := {element | some element in min(exhaustive_covers(choices, searched))[1]} if {
	count(searched) <= max_exhaustive_candidates
} else := {element | some element in cover} if {
	cover := small_cover(choices, searched)
} else := greedy(choices)

meets_every_choice(choices, subset) if {
	every choice in choices {
		count(choice & subset) > 0
	}
}

# Every subset of the candidates that meets every choice, as [size, sorted elements]: the least
# such pair is the smallest cover, ties broken by the sorted list.
exhaustive_covers(choices, searched) := {[count(subset), sort(subset)] |
	n := count(searched)
	some mask in numbers.range(1, bits.lsh(1, n) - 1)
	subset := {element | some i, element in searched; bits.and(mask, bits.lsh(1, i)) != 0}
	meets_every_choice(choices, subset)
}

# Beyond the exhaustive limit, covers of up to four elements are still searched in full (indices
# in increasing order, so each subset once and already sorted), the smallest size first; a
# smallest cover of five or more among more than twelve undominated candidates falls to greedy().
small_cover(choices, searched) := min(covers) if {
	covers := one_element_covers(choices, searched)
	count(covers) > 0
} else := min(covers) if {
	covers := two_element_covers(choices, searched)
	count(covers) > 0
} else := min(covers) if {
	covers := three_element_covers(choices, searched)
	count(covers) > 0
} else := min(covers) if {
	covers := four_element_covers(choices, searched)
	count(covers) > 0
}

one_element_covers(choices, searched) := {[a] | some a in searched; meets_every_choice(choices, {a})}

two_element_covers(choices, searched) := {[a, b] |
	some i, a in searched
	some j, b in searched
	i < j
	meets_every_choice(choices, {a, b})
}

three_element_covers(choices, searched) := {[a, b, c] |
	some i, a in searched
	some j, b in searched
	i < j
	some k, c in searched
	j < k
	meets_every_choice(choices, {a, b, c})
}

four_element_covers(choices, searched) := {[a, b, c, d] |
	some i, a in searched
	some j, b in searched
	i < j
	some k, c in searched
	j < k
	some l, d in searched
	k < l
	meets_every_choice(choices, {a, b, c, d})
}

# Last resort: every choice met, not always by the fewest elements.
greedy(choices) := {sort(choice)[0] | some choice in choices}
