"""The protocol's outcome sections: the defaults, and a bad value refused naming the key, the line and why."""

from __future__ import annotations

import pytest

from ketadesk.core.instruments import InstrumentKey
from ketadesk.core.protocol import load_protocol
from tests.core.protocol_overrides import DEFAULT_TEXT, refused


def test_a_clinic_chooses_its_default_instruments_and_schedule() -> None:
    """Another default list (kept in the clinic's order), another interval, another flag period."""
    protocol = load_protocol(
        DEFAULT_TEXT,
        '[outcomes]\ninstruments = ["pcl5", "phq9"]\nevery_days_after_induction = 21\n'
        "[outcomes.suicide_risk]\nflag_days = 14\n",
    )
    assert protocol.outcomes.default_instruments == (InstrumentKey.PHQ9, InstrumentKey.PCL5)
    assert protocol.outcomes.schedule.every_days_after_induction == 21
    assert protocol.outcomes.risk.flag_days == 14


def test_a_clinic_words_the_fear_questionnaire_from_its_licensed_copy() -> None:
    """An item label in [scales.fear_questionnaire] replaces the neutral one; the others stay."""
    protocol = load_protocol(DEFAULT_TEXT, '[scales.fear_questionnaire]\nitem_5 = "Clinic wording of item 5"\n')
    fq = protocol.outcomes.instrument(InstrumentKey.FQ)
    assert fq.item(5).text == "Clinic wording of item 5"
    assert "clinic's form" in fq.item(6).text


def test_the_pcl5_cut_off_moves_its_band() -> None:
    """pcl5_probable_at_or_above = 31 makes 31 the first probable-PTSD total."""
    pcl5 = load_protocol(DEFAULT_TEXT, "[outcomes]\npcl5_probable_at_or_above = 31\n").outcomes.instrument("pcl5")
    assert pcl5.band_for(31).name == "probable PTSD" and pcl5.band_for(30).name.startswith("below")  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("override", "key", "reason"),
    [
        ('[outcomes]\ninstruments = ["phq9", "madrs"]\n', "[outcomes] instruments", "'madrs' is not an instrument"),
        ("[outcomes]\ninstruments = []\n", "[outcomes] instruments", "must list one or more of phq9, gad7"),
        ('[outcomes]\ninstruments = ["gad7", "gad7"]\n', "[outcomes] instruments", "GAD-7 is listed twice"),
        (
            "[outcomes]\nbefore_each_induction_infusion = 1\n",
            "[outcomes] before_each_induction_infusion",
            "true or false",
        ),
        ("[outcomes]\nevery_days_after_induction = 0\n", "[outcomes] every_days_after_induction", "between 1 and 365"),
        ("[outcomes]\npcl5_probable_at_or_above = 81\n", "[outcomes] pcl5_probable_at_or_above", "between 1 and 80"),
        (
            "[outcomes.suicide_risk]\nhigh_priority_item9_at_or_above = 4\n",
            "high_priority_item9_at_or_above",
            "1 and 3",
        ),
        (
            "[outcomes.suicide_risk]\nhigh_priority_total_at_or_above = 28\n",
            "high_priority_total_at_or_above",
            "1 and 27",
        ),
        ('[scales.fear_questionnaire]\nitem_3 = " "\n', "[scales.fear_questionnaire] item_3", "non-empty text"),
    ],
)
def test_a_bad_outcome_setting_is_refused_with_key_line_and_reason(override: str, key: str, reason: str) -> None:
    """Each value checked: the error names the key, the clinic file's line and what is allowed."""
    error = refused(override)
    assert key in error.key and reason in error.reason
    assert error.line is not None and error.line >= 2
