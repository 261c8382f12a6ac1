from personas.hints import card_hints, names_deliverable_or_timing, repeats

GOOD = {
    "persona_name": "Priya",
    "wants": "last month's orders by customer by the 5th working day",
    "so_that": "choose which accounts my team visits",
}


def fields(hints):
    return [hint.field for hint in hints]


def test_a_well_written_card_gets_no_hints():
    assert card_hints(**GOOD) == []


def test_a_persona_with_no_name_gets_a_hint():
    assert fields(card_hints(**{**GOOD, "persona_name": "  "})) == ["persona_name"]


def test_an_i_want_with_neither_deliverable_nor_timing_gets_a_hint():
    hints = card_hints(**{**GOOD, "wants": "more support from you"})
    assert fields(hints) == ["wants"]
    assert "hand over" in hints[0].message


def test_a_deliverable_alone_is_enough():
    assert names_deliverable_or_timing("a quote I can compare like for like")
    assert names_deliverable_or_timing("clean invoices")  # plural of a known deliverable


def test_a_timing_alone_is_enough():
    assert names_deliverable_or_timing("you to pick up quickly, within ten minutes")
    assert names_deliverable_or_timing("help every Monday")
    assert names_deliverable_or_timing("help on the 3rd")


def test_the_cards_rhythm_counts_as_timing():
    assert not names_deliverable_or_timing("more support from you")
    assert names_deliverable_or_timing("more support from you", rhythm="before the busy season")
    assert card_hints(**{**GOOD, "wants": "more support from you", "rhythm": "before the busy season"}) == []


def test_a_so_i_can_that_repeats_the_i_want_gets_a_hint():
    hints = card_hints(**{**GOOD, "wants": "the weekly stock report", "so_that": "have the weekly stock report"})
    assert fields(hints) == ["so_that"]


def test_a_so_i_can_sharing_a_word_or_two_is_not_a_repeat():
    assert not repeats("plan my team's week around the report", "the weekly stock report")
    assert repeats("get the report", "the report")
    assert not repeats("", "the report")


def test_an_empty_card_asks_only_for_the_name():
    # Nothing written yet about wants: the wants and repeat rules wait for text rather than nag.
    assert fields(card_hints()) == ["persona_name"]
