# The cover solver (cover.rego) on its own: choices are sets of plain strings here, nothing of
# blockers or roles (plan_test.rego tests what the plan makes of it).
package blockgate.cover_test

import data.blockgate.cover

names(prefix, n) := [sprintf("%s%02d", [prefix, i]) | some i in numbers.range(1, n)]

# --- smallest ----------------------------------------------------------------------------------

test_smallest_of_no_choices_is_empty if {
	cover.smallest(set()) == set()
}

test_smallest_of_one_choice_is_its_first_element if {
	cover.smallest({{"b", "a", "c"}}) == {"a"}
}

test_smallest_takes_the_element_two_choices_share if {
	cover.smallest({{"a", "b"}, {"b", "c"}}) == {"b"}
}

test_smallest_breaks_ties_by_the_least_sorted_list if {
	cover.smallest({{"a", "b"}, {"c", "d"}}) == {"a", "c"}
	cover.smallest({{"y", "x"}, {"x", "z"}, {"z", "w"}}) == {"w", "x"}
}

test_smallest_leaves_out_an_empty_choice if {
	cover.smallest({set(), {"b"}}) == {"b"}
	cover.smallest({set()}) == set()
}

# (plan_test.rego searches twelve candidates, the limit, through the plan.)
test_smallest_is_exact_within_the_exhaustive_limit if {
	# Seven choices {rNN, z}: eight candidates, one cover of size one.
	cover.smallest({{r, "z"} | some r in names("r", 7)}) == {"z"}
	count(cover.exhaustive_covers({{r, "z"} | some r in names("r", 7)}, cover.candidates({{r, "z"} | some r in names("r", 7)}))) == 129
}

test_smallest_leaves_out_dominated_candidates_beyond_twelve if {
	# Thirteen rNN each meet one choice, z meets all: only z is undominated.
	choices := {{r, "z"} | some r in names("r", 13)}
	cover.search_candidates(choices) == ["z"]
	cover.smallest(choices) == {"z"}
}

# Thirteen candidates in a ring, each meeting its two neighbouring choices: none is dominated and
# the smallest cover has seven, beyond the searched sizes, so the greedy choice answers.
ring := {{e, names("e", 13)[(i + 1) % 13]} | some i, e in names("e", 13)}

test_smallest_falls_back_to_greedy_beyond_the_searched_sizes if {
	count(cover.search_candidates(ring)) == 13
	not cover.small_cover(ring, cover.search_candidates(ring))
	cover.smallest(ring) == cover.greedy(ring)
	cover.meets_every_choice(ring, cover.smallest(ring))
}

# --- the parts -------------------------------------------------------------------------------

test_candidates_are_every_element_sorted if {
	cover.candidates({{"b", "a"}, {"c", "a"}}) == ["a", "b", "c"]
	cover.candidates(set()) == []
}

test_choices_met_by if {
	cover.choices_met_by("a", {{"a", "b"}, {"b"}, {"a"}}) == {{"a", "b"}, {"a"}}
	cover.choices_met_by("z", {{"a"}}) == set()
}

test_dominated_by_an_element_meeting_more if {
	choices := {{"a", "b"}, {"b", "c"}}
	cover.dominated("a", choices, ["a", "b", "c"])
	cover.dominated("c", choices, ["a", "b", "c"])
	not cover.dominated("b", choices, ["a", "b", "c"])
}

test_dominated_between_equals_keeps_the_first if {
	choices := {{"a", "b"}}
	not cover.dominated("a", choices, ["a", "b"])
	cover.dominated("b", choices, ["a", "b"])
}

test_search_candidates_are_all_up_to_the_limit if {
	cover.max_exhaustive_candidates == 12
	cover.search_candidates({{"a", "b"}, {"b", "c"}}) == ["a", "b", "c"]
}

test_meets_every_choice if {
	cover.meets_every_choice({{"a", "b"}, {"c"}}, {"b", "c"})
	not cover.meets_every_choice({{"a", "b"}, {"c"}}, {"a", "b"})
	cover.meets_every_choice(set(), set())
}

test_exhaustive_covers_lists_every_covering_subset_with_its_size if {
	cover.exhaustive_covers({{"a", "b"}, {"c"}}, ["a", "b", "c"]) == {[2, ["a", "c"]], [2, ["b", "c"]], [3, ["a", "b", "c"]]}
}

test_small_cover_takes_the_smallest_size_first if {
	cover.small_cover({{"a", "b"}, {"c"}}, ["a", "b", "c"]) == ["a", "c"]
	cover.small_cover({{"a", "c"}, {"b", "c"}}, ["a", "b", "c"]) == ["c"]
	cover.small_cover({{"a"}, {"b"}, {"c"}, {"d"}}, ["a", "b", "c", "d"]) == ["a", "b", "c", "d"]
	not cover.small_cover({{"a"}, {"b"}, {"c"}, {"d"}, {"e"}}, ["a", "b", "c", "d", "e"])
}

test_smallest_within_beyond_the_limit_searches_small_covers if {
	cover.smallest_within({{"x01"}, {"x02", "x03"}}, names("x", 13)) == {"x01", "x02"}
}

test_greedy_takes_each_choices_first_element if {
	cover.greedy({{"b", "a"}, {"d", "c"}, {"a"}}) == {"a", "c"}
}
