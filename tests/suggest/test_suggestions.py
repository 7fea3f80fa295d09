"""Each rule of the engine on sentences written for these tests (never the seed article's)."""

import datetime

import pytest

from events.models import Proposal
from tests.factories import ParticipantFactory, ProposalFactory

from .conftest import records


def only(suggestions, kind: str) -> dict:
    found = records(suggestions, kind)
    assert len(found) == 1, [r["body"]["title"] for r in suggestions.records]
    return found[0]


def test_a_declared_truce_is_a_proposal_with_kind_duration_and_arrangement(suggest, world):
    text = "The Rapid Support Forces declared a unilateral 72-hour humanitarian truce on Sunday."
    record = only(suggest(text), "proposal")
    body = record["body"]
    assert body["proposal_kind"] == "humanitarian_pause"
    assert body["duration_hours"] == 72
    assert body["arrangement"] == "unilateral"
    assert body["proposers"] == ["rsf"]
    assert body["addressees"] == ["saf"]  # the conflict's other party
    assert body["conflict"] == "sudan-war"
    assert (body["date"], body["date_precision"]) == ("2023-05-14", "day")
    assert record["quote"] == text
    assert body["citations"] == [{"source": body["citations"][0]["source"], "quote": text}]
    assert {"truce", "unilateral", "72-hour"} <= set(record["triggers"])
    assert "72 hours" in record["explanation"]
    assert record["endpoint"] == "/api/v1/proposals/"


def test_a_limited_scope_makes_a_partial_ceasefire(suggest, world):
    body = only(suggest("Burhan offered a 30-day pause in strikes on power plants."), "proposal")[
        "body"
    ]
    assert (body["proposal_kind"], body["scope"], body["duration_hours"]) == (
        "partial_ceasefire",
        "energy_infrastructure",
        720,
    )
    assert body["proposers"] == ["abdel-fattah-al-burhan"]
    assert body["addressees"] == ["rsf"]  # the other side of his army


def test_a_truce_named_again_is_no_new_proposal(suggest, world):
    assert records(suggest("The army said the truce was holding in Khartoum.")) == []


def test_a_truce_nobody_is_named_in_is_not_suggested(suggest, world):
    assert records(suggest("A three-day truce began in the capital.")) == []


def test_the_words_after_a_reporting_verb_say_who_proposes(suggest, world):
    body = only(
        suggest("A spokesman said Hemedti was ready for a five-day ceasefire."), "proposal"
    )["body"]
    assert body["proposers"] == ["mohamed-hamdan-dagalo"]
    assert body["duration_hours"] == 120


def test_the_speaker_of_a_quotation_proposes(suggest, world):
    body = only(suggest("“We are ready for a truce during Eid,” Burhan said."), "proposal")["body"]
    assert body["proposers"] == ["abdel-fattah-al-burhan"]
    assert body["occasion"] == "Eid"


def test_a_proposal_by_someone_and_its_answers_in_one_sentence(suggest, world):
    suggestions = suggest(
        "In April, the RSF rejected a proposal by Egypt for a full ceasefire, which the army "
        "had accepted."
    )
    proposal = only(suggestions, "proposal")["body"]
    assert proposal["proposers"] == ["egypt"]
    assert proposal["addressees"] == ["saf", "rsf"] or set(proposal["addressees"]) == {"saf", "rsf"}
    assert proposal["scope"] == "comprehensive"
    assert (proposal["date"], proposal["date_precision"]) == ("2023-04-01", "month")
    answers = {
        r["body"]["responder"]: r["body"]["stance"] for r in records(suggestions, "response")
    }
    assert answers == {"rsf": "rejected", "saf": "accepted"}


def test_talks_proposed_are_a_talks_proposal_with_their_format(suggest, world):
    body = only(
        suggest("On Monday Hemedti proposed direct negotiations with the army."), "proposal"
    )["body"]
    assert (body["proposal_kind"], body["talks_format"]) == ("talks", "bilateral")
    assert body["proposers"] == ["mohamed-hamdan-dagalo"]
    assert body["addressees"] == ["saf"]
    assert body["date"] == "2023-05-15"


def test_talks_held_are_a_meeting_with_venue_host_and_delegations(suggest, world):
    suggestions = suggest(
        "Envoys of the army and the RSF held indirect talks in Saudi Arabia on May 6, "
        "mediated by Washington."
    )
    record = only(suggestions, "meeting")
    body = record["body"]
    assert (body["venue"], body["country"]) == ("Saudi Arabia", "SAU")
    assert body["locations"] == [{"name": "Saudi Arabia", "country": "SAU", "precision": "country"}]
    assert body["hosts"] == ["saudi-arabia"]
    assert set(body["delegations"]) == {"saf", "rsf"}
    assert body["mediators"] == ["united-states"]
    assert body["date"] == "2023-05-06"
    assert record["endpoint"] == "/api/v1/meetings/"


def test_both_sides_of_talks_held_are_the_conflict_s_parties(suggest, world):
    suggestions = suggest(
        "The RSF shelled Omdurman. Envoys of both sides held parallel talks in Jeddah."
    )
    body = only(suggestions, "meeting")["body"]
    assert set(body["delegations"]) == {"saf", "rsf"}
    assert (body["venue"], body["meeting_format"]) == ("Jeddah", "parallel")
    assert body["locations"] == [{"name": "Jeddah"}]
    assert body["hosts"] == []


def test_talks_denied_are_not_suggested(suggest, world):
    assert records(suggest("The army has never held talks with the RSF.")) == []


def test_an_accusation_names_the_subject_and_the_other_actor(suggest, world):
    record = only(suggest("The army accused the RSF of violating the ceasefire."), "accusation")
    assert (record["body"]["accusers"], record["body"]["accused"]) == (["saf"], ["rsf"])
    assert record["endpoint"] == "/api/v1/accusations/"


def test_an_accusation_without_the_accused_named_accuses_the_other_party(suggest, world):
    record = only(suggest("Hemedti said the truce had been breached."), "accusation")
    assert (record["body"]["accusers"], record["body"]["accused"]) == (
        ["mohamed-hamdan-dagalo"],
        ["saf"],
    )


def test_both_sides_accusing_each_other_are_two_accusations(suggest, world):
    suggestions = suggest(
        "The army shelled the RSF in Omdurman. Both sides accused each other of breaching the "
        "truce yesterday."
    )
    pairs = {
        (r["body"]["accusers"][0], r["body"]["accused"][0])
        for r in records(suggestions, "accusation")
    }
    assert pairs == {("saf", "rsf"), ("rsf", "saf")}
    assert {r["body"]["date"] for r in suggestions.records} == {"2023-05-16"}
    assert records(suggestions, "proposal") == []  # "the truce": named before


@pytest.mark.parametrize(
    ("verb", "stance"),
    [
        ("welcomed", "welcomed"),
        ("dismissed", "dismissed"),
        ("rejected", "rejected"),
        ("accepted", "accepted"),
        ("is considering", "considering"),
    ],
)
def test_an_answer_has_its_stance_and_responder(suggest, world, verb, stance):
    record = only(suggest(f"Egypt {verb} the plan on Tuesday."), "response")
    assert record["body"]["responder"] == "egypt"
    assert record["body"]["stance"] == stance
    assert record["body"]["date"] == "2023-05-16"


def test_an_answer_to_no_proposal_in_particular_is_not_suggested(suggest, world):
    assert records(suggest("Egypt welcomes any initiative for peace.")) == []


def test_an_answer_names_the_proposal_of_the_database_it_repeats(suggest, world):
    truce = ProposalFactory(
        conflict=world.conflict,
        title="Army's 30-day truce",
        date=datetime.date(2023, 5, 10),
        duration_hours=720,
    )
    ParticipantFactory(event=truce, actor=world.army, role="proposer")
    ProposalFactory(conflict=world.conflict, title="Older truce", date=datetime.date(2023, 4, 20))
    record = only(suggest("The RSF rejected the army's 30-day truce."), "response")
    assert record["body"]["proposal"] == truce.pk
    assert "Army's 30-day truce" in record["explanation"]
    assert record["body"]["title"] == "Rapid Support Forces rejects “Army's 30-day truce”"


def test_an_answer_without_a_matching_proposal_leaves_it_to_the_editor(suggest, world):
    record = only(suggest("The RSF rejected the plan."), "response")
    assert "proposal" not in record["body"]
    assert "choose it" in record["explanation"]


def test_an_agreement_reached_is_an_accepted_proposal_between_the_parties(suggest, world):
    record = only(
        suggest(
            "The army and the RSF sent envoys to Jeddah. Mediated by Egypt, an agreement was "
            "reached on a pause in attacks on civilians."
        ),
        "proposal",
    )
    body = record["body"]
    assert body["outcome"] == "accepted"
    assert (body["proposal_kind"], body["scope"]) == ("partial_ceasefire", "civilian_targets")
    assert set(body["addressees"]) == {"saf", "rsf"}
    assert body["mediators"] == ["egypt"]


def test_an_agreement_that_took_effect_is_in_effect_from_midnight(suggest, world):
    body = only(
        suggest("The army and the RSF agreed to a ceasefire that took effect from midnight."),
        "proposal",
    )["body"]
    assert body["outcome"] == "in_effect"
    assert body["date"] == "2023-05-17"
    assert body["proposed_start"] == "2023-05-18"


def test_a_proposal_named_again_is_cited_twice_not_suggested_twice(suggest, world):
    suggestions = suggest(
        "Burhan declared a 72-hour ceasefire on Saturday. Later, the army's commander said "
        "“a ceasefire is our offer,” Burhan added."
    )
    record = only(suggestions, "proposal")
    assert len(record["body"]["citations"]) == 2
    assert record["body"]["date"] == "2023-05-13"


def test_a_month_named_in_a_sentence_dates_the_next_one_of_its_paragraph(suggest, world):
    suggestions = suggest(
        "Last month, the RSF rejected the plan. The army accused the RSF of violating it. "
        "Egypt welcomed the plan.\n\nLast year, Egypt rejected the plan.\n\nEgypt "
        "dismissed the plan."
    )
    dates = [(r["body"]["date"], r["body"]["date_precision"]) for r in suggestions.records]
    assert dates == [
        ("2023-04-01", "month"),
        ("2023-04-01", "month"),  # the next sentence
        ("2023-05-17", "day"),  # one further: the publication
        ("2022-01-01", "year"),
        ("2023-05-17", "day"),  # another paragraph
    ]


def test_no_conflict_is_guessed_when_its_parties_are_not_named(suggest, world):
    record = only(suggest("Egypt welcomed the plan."), "response")
    assert "conflict" not in record["body"]


def test_actors_through_aliases_and_new_names(suggest, world):
    suggestions = suggest(
        "The Egyptian foreign minister met Hemedti and Jibril Ibrahim in Cairo. The RSF's "
        "leader thanked the Sudan Tribune."
    )
    assert [(a["slug"], a["words"]) for a in suggestions.actors] == [
        ("egypt", "Egyptian"),
        ("mohamed-hamdan-dagalo", "Hemedti"),
        ("rsf", "RSF"),
        ("sudan-tribune", "Sudan Tribune"),
    ]
    names = [a["name"] for a in suggestions.new_actors]
    assert "Jibril Ibrahim" in names and "Cairo" in names
    assert not {"Egyptian", "Hemedti", "RSF", "Sudan Tribune"} & set(names)


def test_an_acronym_in_lower_case_names_nobody(suggest, world):
    assert suggest("The saf was quiet.").actors == []


def test_a_repeated_lead_is_read_once(suggest, world):
    text = "Burhan declared a 72-hour ceasefire on Saturday."
    suggestions = suggest(f"{text}\n\n{text}")
    assert len(only(suggestions, "proposal")["body"]["citations"]) == 1


def test_proposal_fields_are_the_model_s_choices(suggest, world):
    body = only(suggest("Burhan offered a maritime truce."), "proposal")["body"]
    assert body["scope"] in Proposal.Scope.values
    assert body["proposal_kind"] in Proposal.ProposalKind.values


def test_a_call_to_extend_a_truce_named_before_is_a_new_proposal(suggest, world):
    body = only(suggest("Egypt called for an extension of the ceasefire."), "proposal")["body"]
    assert body["proposers"] == ["egypt"]
    assert body["proposal_kind"] == "ceasefire"
    assert body["addressees"] == []  # no party named: no conflict to address


def test_welcoming_an_extension_is_an_answer_not_a_proposal(suggest, world):
    suggestions = suggest("Egypt welcomed extending the truce with the RSF.")
    assert [r["kind"] for r in suggestions.records] == ["response"]


def test_talks_between_two_actors_address_both(suggest, world):
    body = only(
        suggest("Washington offered to host direct talks between Burhan and Hemedti."), "proposal"
    )["body"]
    assert body["proposers"] == ["united-states"]
    assert body["addressees"] == ["abdel-fattah-al-burhan", "mohamed-hamdan-dagalo"]


@pytest.mark.parametrize(
    "text, words",
    [
        ("Egypt proposed a ten-day truce to the RSF.", "named after “to”"),
        ("Egypt proposed talks with the RSF.", "named after “with”"),
        ("Egypt proposed talks between Burhan and Hemedti.", "named after “between”"),
    ],
)
def test_the_explanation_names_the_word_the_addressees_came_after(suggest, world, text, words):
    record = only(suggest(text), "proposal")
    assert record["body"]["addressees"]
    assert words in record["explanation"], record["explanation"]


def test_talks_to_be_held_are_a_proposal_not_a_meeting(suggest, world):
    suggestions = suggest("The RSF will hold talks with the army in Jeddah.")
    assert [r["kind"] for r in suggestions.records] == ["proposal"]


def test_an_agreement_after_talks_is_a_proposal_and_a_meeting(suggest, world):
    suggestions = suggest(
        "The RSF agreed to a seven-day ceasefire after talks in Jeddah brokered by Egypt."
    )
    proposal = only(suggestions, "proposal")["body"]
    assert (proposal["outcome"], proposal["duration_hours"]) == ("accepted", 168)
    meeting = only(suggestions, "meeting")["body"]
    assert meeting["venue"] == "Jeddah"
    assert set(meeting["delegations"]) == {"saf", "rsf"}  # one named: the parties
    assert meeting["mediators"] == ["egypt"]


def test_an_empty_article_suggests_nothing(suggest, world):
    suggestions = suggest("")
    assert (suggestions.actors, suggestions.new_actors, suggestions.records) == ([], [], [])


def test_a_second_subject_after_and_makes_a_second_accusation(suggest, world):
    suggestions = suggest(
        "The army accused the RSF of shelling Omdurman, and the RSF said army drones had "
        "violated the truce."
    )
    pairs = [
        (r["body"]["accusers"], r["body"]["accused"]) for r in records(suggestions, "accusation")
    ]
    assert pairs == [(["saf"], ["rsf"]), (["rsf"], ["saf"])]  # who says it accuses


def test_an_answer_to_something_else_than_a_proposal_is_not_suggested(suggest, world):
    assert records(suggest("Egypt dismissed his remarks as propaganda.")) == []


def test_rejecting_calls_for_a_truce_is_an_answer_not_a_proposal(suggest, world):
    suggestions = suggest("Hemedti rejected calls for a ceasefire in Darfur.")
    assert [(r["kind"], r["body"].get("stance")) for r in suggestions.records] == [
        ("response", "rejected")
    ]


def test_a_headline_alone_suggests_nothing(suggest, world):
    assert records(suggest("Egypt pushes the army and the RSF toward a truce\n\nIt rained.")) == []


def test_a_headline_cites_what_the_article_reports(suggest, world):
    suggestions = suggest(
        "Burhan offers a 72-hour ceasefire\n\nBurhan offered a 72-hour ceasefire on Sunday."
    )
    record = only(suggestions, "proposal")
    assert record["quote"] == "Burhan offered a 72-hour ceasefire on Sunday."
    assert [c["quote"] for c in record["body"]["citations"]] == [
        "Burhan offered a 72-hour ceasefire on Sunday.",
        "Burhan offers a 72-hour ceasefire",
    ]


def test_negotiators_who_met_are_a_meeting(suggest, world):
    body = only(
        suggest("Negotiators from the army and the RSF met in Jeddah on Monday."), "meeting"
    )["body"]
    assert (body["venue"], body["date"]) == ("Jeddah", "2023-05-15")
    assert set(body["delegations"]) == {"saf", "rsf"}


def test_a_negation_inside_a_stance_s_words_denies_nothing(suggest, world):
    suggestions = suggest("Burhan said he was not ruling out talks with the RSF.")
    assert [(r["kind"], r["body"].get("stance")) for r in suggestions.records] == [
        ("response", "considering"),
        ("proposal", None),
    ]


@pytest.fixture
def army_truce(world):
    truce = ProposalFactory(
        conflict=world.conflict,
        title="Army's 30-day truce",
        date=datetime.date(2023, 5, 10),
        duration_hours=720,
    )
    ParticipantFactory(event=truce, actor=world.army, role="proposer")
    return truce


def test_an_answer_names_only_what_its_own_clause_repeats(suggest, world, army_truce):
    suggestions = suggest("The RSF welcomed the plan, while the army offered a 30-day truce.")
    assert "proposal" not in only(suggestions, "response")["body"]


def test_an_answer_in_a_which_clause_names_what_the_clause_before_repeats(
    suggest, world, army_truce
):
    suggestions = suggest("The army renewed its 30-day truce on Monday, which the RSF accepted.")
    assert only(suggestions, "response")["body"]["proposal"] == army_truce.pk


def test_a_name_written_with_two_spaces_is_one_new_actor(suggest, world):
    suggestions = suggest("Talks were led by President Jibril  Ibrahim in Darfur.")
    assert [a["name"] for a in suggestions.new_actors] == ["Jibril Ibrahim", "Darfur"]
