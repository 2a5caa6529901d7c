"""Predictions: due windows, and fulfilled / failed / overdue / open as later articles come in."""

from __future__ import annotations

from datetime import date

from corroborate.corroboration.build import build_story
from story_support import analysis, att, date_fact, member

MADE = date(2025, 4, 1)
WINDOW = (date(2025, 5, 25), date(2025, 5, 31))
PREDICTION = "Officials said the mayor will resign by the end of May."


def predicting():
    fact = date_fact(PREDICTION, "the end of May", *WINDOW, MADE)
    return analysis(
        PREDICTION,
        [att(PREDICTION, "Officials", "said", "the mayor will resign by the end of May", "anonymous_group")],
        outlet="Gazette",
        published=MADE,
        facts=[fact],
    )


def later(text: str, published: date):
    return analysis(text, outlet="Herald", published=published)


def the_prediction(report):
    found = [p for p in report.predictions if "resign" in p.text]
    assert len(found) == 1, [p.text for p in report.predictions]
    return found[0]


def test_a_future_date_gives_the_window_with_its_evidence():
    report = build_story("s", [member(1, predicting())])
    p = the_prediction(report)
    assert (p.window_start, p.window_end) == WINDOW
    assert p.made == MADE and p.cue == "will" and p.article_id == 1
    start, end, text = p.window_evidence
    assert PREDICTION[start:end] == text == "the end of May"
    assert PREDICTION[p.start : p.end] == p.text
    assert p.claim_id == next(c.id for c in report.claims if "resign" in c.text)
    timeline = [(t.kind, t.date, t.end) for t in report.timeline]
    assert ("prediction", *WINDOW) in timeline and ("article", MADE, None) in timeline


def test_open_until_the_window_passes_then_overdue():
    assert (
        the_prediction(build_story("s", [member(1, predicting())])).status == "open"
    )  # today: last published
    assert (
        the_prediction(build_story("s", [member(1, predicting())], today=date(2025, 5, 31))).status == "open"
    )
    assert (
        the_prediction(build_story("s", [member(1, predicting())], today=date(2025, 6, 15))).status
        == "overdue"
    )


def test_a_later_report_of_the_event_fulfils_it():
    text = "The mayor stepped down after weeks of pressure."
    report = build_story(
        "s", [member(1, predicting()), member(2, later(text, date(2025, 6, 2)))], today=date(2025, 7, 1)
    )
    p = the_prediction(report)
    assert p.status == "fulfilled"
    assert p.outcome.article_id == 2 and p.outcome.result == "fulfilled"
    assert text[p.outcome.start : p.outcome.end] == p.outcome.text == text


def test_still_in_office_after_the_window_fails_it():
    text = "The mayor remains in office and plans a new budget."
    report = build_story("s", [member(1, predicting()), member(2, later(text, date(2025, 6, 5)))])
    p = the_prediction(report)
    assert p.status == "failed" and p.outcome.article_id == 2


def test_still_in_office_before_the_window_ends_settles_nothing():
    text = "The mayor remains in office and plans a new budget."
    report = build_story("s", [member(1, predicting()), member(2, later(text, date(2025, 5, 10)))])
    p = the_prediction(report)
    assert p.status == "open" and p.outcome is None


def test_an_earlier_article_never_settles_a_prediction():
    text = "The mayor stepped down after weeks of pressure."
    report = build_story(
        "s", [member(1, predicting()), member(2, later(text, date(2025, 3, 20)))], today=date(2025, 7, 1)
    )
    assert the_prediction(report).status == "overdue"


def test_vague_horizons_give_a_window_from_the_publication_date():
    text = "Aides said the mayor will step down soon."
    a = analysis(
        text, [att(text, "Aides", "said", "the mayor will step down soon", "anonymous_group")], published=MADE
    )
    (p,) = build_story("s", [member(1, a)]).predictions
    assert (p.window_start, p.window_end) == (MADE, date(2025, 5, 1))
    assert p.window_evidence[2] == "soon"


def test_future_cue_without_a_date_is_open_ended():
    text = "Aides said the mayor will step down."
    a = analysis(
        text, [att(text, "Aides", "said", "the mayor will step down", "anonymous_group")], published=MADE
    )
    (p,) = build_story("s", [member(1, a)], today=date(2030, 1, 1)).predictions
    assert p.window_end is None and p.status == "open" and p.cue == "will"


def test_conditions_and_past_events_are_not_predictions():
    text = "Aides said that if the mayor resigns, the council would meet. Officials said the mayor resigned."
    a = analysis(
        text,
        [
            att(
                text, "Aides", "said", "that if the mayor resigns, the council would meet", "anonymous_group"
            ),
            att(text, "Officials", "said", "the mayor resigned", "anonymous_group"),
        ],
        published=MADE,
    )
    assert build_story("s", [member(1, a)]).predictions == ()


def test_a_negative_prediction_fails_when_the_event_happens():
    text = "A spokesman said the mayor will not resign before the end of May."
    fact = date_fact(text, "the end of May", *WINDOW, MADE)
    a = analysis(
        text,
        [
            att(
                text,
                "A spokesman",
                "said",
                "the mayor will not resign before the end of May",
                "anonymous_individual",
            )
        ],
        published=MADE,
        facts=[fact],
    )
    b = later("The mayor resigned after weeks of pressure.", date(2025, 5, 3))
    p = the_prediction(build_story("s", [member(1, a), member(2, b)]))
    assert p.status == "failed" and p.outcome.article_id == 2


def test_a_copy_does_not_repeat_the_prediction():
    copy = analysis(
        PREDICTION,
        predicting().attributions,
        outlet="Herald",
        published=date(2025, 4, 2),
        facts=predicting().facts,
    )
    report = build_story("s", [member(1, predicting()), member(2, copy, copy_of=1)])
    assert [p.article_id for p in report.predictions] == [1]
