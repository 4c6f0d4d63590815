"""The protocol file: shipped defaults match CLINICAL.md, overrides merge, bad files are refused with key and line."""

from __future__ import annotations

import pytest

from ketadesk.core.protocol import Protocol, ProtocolError, ScheduleTemplate, load_protocol, merge
from tests.core.protocol_overrides import DEFAULT_TEXT, refused

# --- the shipped defaults ---------------------------------------------------------------


def test_defaults_load(protocol: Protocol) -> None:
    """The shipped protocol.toml loads without an override."""
    assert protocol.clinic_name
    assert protocol.chairs == 4
    assert protocol.page_size in ("Letter", "A4")


def test_default_dose_rules_match_clinical(protocol: Protocol) -> None:
    """Defaults: 0.5 mg/kg, limits 0.25–1.0 mg/kg, step up of at most 0.25 mg/kg."""
    dose = protocol.dose
    assert (dose.default_mg_per_kg, dose.min_mg_per_kg, dose.max_mg_per_kg) == (0.5, 0.25, 1.0)
    assert dose.max_step_mg_per_kg == 0.25


def test_default_infusion_and_observation_match_clinical(protocol: Protocol) -> None:
    """Defaults: IV ketamine over 40 min, then at least 30 min of observation."""
    assert protocol.infusion_duration_min == 40
    assert protocol.observation_minimum_min == 30
    assert protocol.route == "IV"
    assert "ketamine" in protocol.drug.lower()
    assert protocol.concentration_mg_per_ml > 0


def test_default_vitals_schedule_matches_clinical(protocol: Protocol) -> None:
    """Defaults: vitals every 10 min infusing and every 15 min in observation."""
    assert protocol.vitals_interval_min == {"infusing": 10, "observation": 15, "ready_for_discharge": 15}


def test_default_alert_thresholds_match_clinical(protocol: Protocol) -> None:
    """Defaults: SBP ≥180 or <90, DBP ≥110, HR >120 or <50, SpO2 <92, RR <10 or >30, baseline >140/90."""
    a = protocol.alerts
    assert (a.sbp_at_or_above, a.sbp_below, a.dbp_at_or_above) == (180, 90, 110)
    assert (a.hr_above, a.hr_below, a.spo2_below, a.rr_below, a.rr_above) == (120, 50, 92, 10, 30)
    assert (a.baseline_sbp_above, a.baseline_dbp_above) == (140, 90)


def test_default_discharge_rules_match_clinical(protocol: Protocol) -> None:
    """Defaults: Aldrete pass at 9 and vitals within 20 % of baseline."""
    assert protocol.aldrete_pass == 9
    assert protocol.vitals_within_percent_of_baseline == 20


def test_default_course_is_three_two_one_one_one(protocol: Protocol) -> None:
    """The default course template is 3, 2, 1, 1, 1 = 8 induction infusions."""
    template = protocol.template()
    assert template.key == protocol.default_template == "induction-8"
    assert template.visits_per_week == (3, 2, 1, 1, 1)
    assert template.induction_count == 8
    assert template.maintenance_interval_days > 0


def test_template_by_key_and_unknown_key(protocol: Protocol) -> None:
    """template(key) finds a named template; an unknown key raises KeyError listing the known ones."""
    assert protocol.template("induction-6").visits_per_week == (3, 3)
    with pytest.raises(KeyError, match="induction-8"):
        protocol.template("induction-99")


def test_default_checklists_cover_clinical_items(protocol: Protocol) -> None:
    """The default checklists hold the CLINICAL.md items, with the judged-by-program ones marked automatic."""
    pre = {item.key for item in protocol.pre_infusion_checklist}
    assert {"consent_off_label", "no_intoxication", "no_psychosis_mania", "not_pregnant", "escort_arranged"} <= pre
    discharge = {item.key: item for item in protocol.discharge_checklist}
    assert {"escort_present", "instructions_given", "steady_gait", "next_appointment"} <= set(discharge)
    automatic = {key for key, item in discharge.items() if item.automatic}
    assert automatic == {"observation_elapsed", "aldrete_pass", "sedation_resolved", "vitals_near_baseline"}
    assert not any(item.automatic for item in protocol.pre_infusion_checklist)
    assert all(item.label == item.label.strip() and item.label for item in protocol.discharge_checklist)


def test_schedule_template_counts_its_visits() -> None:
    """induction_count is the sum of the visits per week."""
    assert ScheduleTemplate("x", "X", (3, 3), 28).induction_count == 6


# --- overrides ------------------------------------------------------------------------------


def test_override_merges_key_by_key() -> None:
    """An override changes only the keys it names; the rest of each table keeps the defaults."""
    protocol = load_protocol(DEFAULT_TEXT, '[clinic]\nname = "Harbour Clinic"\n[alerts]\nsbp_at_or_above = 170\n')
    assert protocol.clinic_name == "Harbour Clinic"
    assert protocol.chairs == 4
    assert protocol.alerts.sbp_at_or_above == 170
    assert protocol.alerts.sbp_below == 90
    assert protocol.infusion_duration_min == 40


def test_empty_override_gives_the_defaults(protocol: Protocol) -> None:
    """An empty clinic file changes nothing."""
    assert load_protocol(DEFAULT_TEXT, "") == protocol


def test_override_replaces_lists_whole() -> None:
    """A list of templates in the override replaces the default list rather than adding to it."""
    override = (
        '[course]\ndefault_template = "fast"\n'
        '[[course.templates]]\nkey = "fast"\nlabel = "Four in two weeks"\nvisits_per_week = [2, 2]\n'
        "maintenance_interval_days = 21\n"
    )
    protocol = load_protocol(DEFAULT_TEXT, override)
    assert [t.key for t in protocol.templates] == ["fast"]
    assert protocol.template().induction_count == 4


def test_override_may_choose_another_default_template() -> None:
    """A clinic may pick the 6-infusion template as its default."""
    protocol = load_protocol(DEFAULT_TEXT, '[course]\ndefault_template = "induction-6"\n')
    assert protocol.template().induction_count == 6


def test_override_checklist_replaces_default_checklist() -> None:
    """A clinic's own discharge checklist replaces the shipped one."""
    override = '[[checklists.discharge]]\nkey = "escort_present"\nlabel = " Escort present "\n'
    protocol = load_protocol(DEFAULT_TEXT, override)
    assert [(i.key, i.label, i.automatic) for i in protocol.discharge_checklist] == [
        ("escort_present", "Escort present", False)
    ]


def test_merge_overlays_nested_tables() -> None:
    """merge() merges tables key by key and replaces everything else, leaving its inputs alone."""
    base = {"a": {"x": 1, "y": 2}, "b": [1, 2], "c": 3}
    override = {"a": {"y": 20, "z": 30}, "b": [9]}
    assert merge(base, override) == {"a": {"x": 1, "y": 20, "z": 30}, "b": [9], "c": 3}
    assert base == {"a": {"x": 1, "y": 2}, "b": [1, 2], "c": 3}


# --- bad overrides ----------------------------------------------------------------------------


def test_text_where_a_number_belongs_names_key_and_line() -> None:
    """`sbp_below = "abc"` is refused naming "[alerts] sbp_below" and line 2 of the clinic file."""
    error = refused('[alerts]\nsbp_below = "abc"')
    assert error.key == "[alerts] sbp_below"
    assert error.line == 2
    assert error.source == "clinic.toml"
    assert str(error).startswith("clinic.toml, line 2: [alerts] sbp_below:")
    assert "must be a number" in error.reason


def test_line_number_counts_comments_and_blank_lines() -> None:
    """The line reported is the line in the clinic's file, comments and blanks included."""
    error = refused("# our clinic\n\n[clinic]\nchairs = 6\n\n[alerts]\n  hr_above = 500\n")
    assert (error.key, error.line) == ("[alerts] hr_above", 7)
    assert "between 60 and 250" in error.reason


@pytest.mark.parametrize(
    ("override", "key", "reason"),
    [
        ("[alerts]\nsbp_below = 39", "[alerts] sbp_below", "between 40 and 150"),
        ("[alerts]\nspo2_below = 101", "[alerts] spo2_below", "between 50 and 100"),
        ("[clinic]\nchairs = 2.5", "[clinic] chairs", "whole number"),
        ("[clinic]\nchairs = true", "[clinic] chairs", "must be a number"),
        ("[clinic]\nchairs = 0", "[clinic] chairs", "between 1 and 24"),
        ("[infusion]\nduration_min = 4", "[infusion] duration_min", "between 5 and 240"),
        ("[infusion]\nconcentration_mg_per_ml = 0", "[infusion] concentration_mg_per_ml", "between"),
        ("[dose]\nmax_mg_per_kg = nan", "[dose] max_mg_per_kg", "between"),
        ("[dose]\nmax_mg_per_kg = inf", "[dose] max_mg_per_kg", "between"),
        ("[vitals_interval_min]\ninfusing = 0", "[vitals_interval_min] infusing", "between 1 and 120"),
        ('[clinic]\npage_size = "A5"', "[clinic] page_size", "one of Letter, A4"),
        ('[clinic]\nname = "   "', "[clinic] name", "non-empty text"),
        ('[clinic]\ntime_zone = "Europe/Atlantis"', "[clinic] time_zone", "not a time zone name such as"),
        ('[clinic]\ntime_zone = "../etc/passwd"', "[clinic] time_zone", "not a time zone name such as"),
        ("[infusion]\ndrug = 5", "[infusion] drug", "non-empty text"),
        ('[course]\ndefault_template = "weekly"', "[course] default_template", "one of induction-8, induction-6"),
        ("[dose]\nmin_mg_per_kg = 1.5", "[dose] min_mg_per_kg", "not be above max_mg_per_kg"),
        ("[alerts]\nsbp_below = 150\nsbp_at_or_above = 150", "[alerts] sbp_below", "lower than sbp_at_or_above"),
        ("[alerts]\nhr_below = 100\nhr_above = 90", "[alerts] hr_below", "lower than hr_above"),
        ("[alerts]\nrr_below = 20\nrr_above = 20", "[alerts] rr_below", "lower than rr_above"),
    ],
)
def test_bad_values_are_refused_with_key_and_line(override: str, key: str, reason: str) -> None:
    """Each out-of-range, wrongly typed or inconsistent value is refused naming its key and its line."""
    error = refused(override)
    assert error.key == key
    assert reason in error.reason
    name = key.split("] ")[1]
    expected_line = next(n for n, raw in enumerate(override.splitlines(), 1) if raw.startswith(f"{name} ="))
    assert error.line == expected_line
    assert f"line {expected_line}" in str(error)


def test_inconsistency_with_a_default_gives_no_line_from_the_default_file() -> None:
    """A clinic maximum below the default dose blames the default dose without a line from the shipped file."""
    error = refused("[dose]\nmax_mg_per_kg = 0.4\n")
    assert error.key == "[dose] default_mg_per_kg"
    assert error.line is None
    assert str(error) == "clinic.toml: [dose] default_mg_per_kg: must lie between min_mg_per_kg and max_mg_per_kg"


def test_misspelt_key_is_refused_not_ignored() -> None:
    """A misspelt threshold would silently keep the default, so it is refused with its key and line."""
    error = refused("[alerts]\nsbp_at_or_above = 170\nsbp_belwo = 85\n")
    assert (error.key, error.line) == ("[alerts] sbp_belwo", 3)
    assert "spelling" in error.reason


def test_misspelt_table_is_refused_with_its_header_line() -> None:
    """A misspelt [table] is refused naming the table and the line of its header."""
    error = refused("\n[alert]\nsbp_below = 85\n")
    assert (error.key, error.line) == ("[alert]", 2)


def test_unknown_top_level_key_is_refused() -> None:
    """A key outside any table that the protocol does not know is refused."""
    error = refused("chairs = 6\n")
    assert (error.key, error.line) == ("chairs", 1)


def test_table_replaced_by_a_value_is_refused() -> None:
    """Writing `alerts = 5` instead of an [alerts] table is refused naming the table."""
    error = refused("alerts = 5\n")
    assert error.key == "[alerts]"
    assert "table" in error.reason


@pytest.mark.parametrize(
    ("override", "reason"),
    [
        ("[course]\ntemplates = []", "at least one template"),
        (
            '[[course.templates]]\nkey = ""\nlabel = "x"\nvisits_per_week = [1]\nmaintenance_interval_days = 7',
            "key must be",
        ),
        (
            '[[course.templates]]\nkey = "a"\nlabel = ""\nvisits_per_week = [1]\nmaintenance_interval_days = 7',
            "label must be",
        ),
        (
            '[[course.templates]]\nkey = "a"\nlabel = "A"\nvisits_per_week = [0]\nmaintenance_interval_days = 7',
            "whole numbers 1-7",
        ),
        (
            '[[course.templates]]\nkey = "a"\nlabel = "A"\nvisits_per_week = [8]\nmaintenance_interval_days = 7',
            "whole numbers 1-7",
        ),
        (
            '[[course.templates]]\nkey = "a"\nlabel = "A"\nvisits_per_week = [true]\nmaintenance_interval_days = 7',
            "whole numbers 1-7",
        ),
        (
            '[[course.templates]]\nkey = "a"\nlabel = "A"\nvisits_per_week = []\nmaintenance_interval_days = 7',
            "whole numbers 1-7",
        ),
        (
            '[[course.templates]]\nkey = "a"\nlabel = "A"\nvisits_per_week = [1]\nmaintenance_interval_days = 0',
            "must be 1-365",
        ),
        (
            '[[course.templates]]\nkey = "a"\nlabel = "A"\nvisits_per_week = [1]\nmaintenance_interval_days = 1.5',
            "must be 1-365",
        ),
    ],
)
def test_bad_course_templates_are_refused(override: str, reason: str) -> None:
    """A course template with a missing key or label, or impossible weeks or interval, is refused."""
    error = refused(override)
    assert "course.templates" in error.key
    assert reason in error.reason


@pytest.mark.parametrize(
    ("override", "reason"),
    [
        ("[checklists]\ndischarge = []", "at least one item"),
        ('[[checklists.discharge]]\nkey = "Steady Gait"\nlabel = "Steady gait"', "lower_case_words"),
        ('[[checklists.discharge]]\nkey = "gait"\nlabel = " "', "label must be"),
        (
            '[[checklists.discharge]]\nkey = "gait"\nlabel = "Gait"\n[[checklists.discharge]]\nkey = "gait"\n'
            'label = "Gait again"',
            "appears twice",
        ),
        ('[checklists]\ndischarge = ["gait"]', "must be a table"),
    ],
)
def test_bad_checklists_are_refused(override: str, reason: str) -> None:
    """A checklist that is empty, has a bad or repeated key, or an empty label is refused."""
    error = refused(override)
    assert "checklists.discharge" in error.key
    assert reason in error.reason


def test_toml_syntax_error_gives_the_line() -> None:
    """A syntax error in the clinic file is refused as (syntax) with the line it is on."""
    error = refused("[alerts]\nsbp_below = 85\nhr_above = = 130\n")
    assert error.key == "(syntax)"
    assert error.line == 3
    assert error.source == "clinic.toml"
    assert str(error).startswith("clinic.toml, line 3: (syntax):")


def test_unclosed_table_header_is_a_syntax_error_on_its_line() -> None:
    """An unclosed [table header is reported on its own line."""
    error = refused("\n\n[alerts\n")
    assert (error.key, error.line) == ("(syntax)", 3)


def test_syntax_error_in_the_defaults_names_the_default_protocol() -> None:
    """A broken default text is blamed on the default protocol, not the clinic file."""
    with pytest.raises(ProtocolError) as caught:
        load_protocol("[clinic\n", None, source="clinic.toml")
    assert caught.value.source == "default protocol"
    assert caught.value.line == 1


def test_missing_key_in_the_defaults_is_refused() -> None:
    """A protocol without a required key is refused naming the key as missing."""
    text = DEFAULT_TEXT.replace("hr_below = 50\n", "")
    with pytest.raises(ProtocolError) as caught:
        load_protocol(text)
    assert caught.value.key == "[alerts] hr_below"
    assert "missing" in caught.value.reason


def test_protocol_error_text_with_and_without_line() -> None:
    """ProtocolError reads 'source, line N: key: reason', or without the line when unknown."""
    assert str(ProtocolError("c.toml", "[a] b", "bad", 4)) == "c.toml, line 4: [a] b: bad"
    assert str(ProtocolError("c.toml", "[a] b", "bad")) == "c.toml: [a] b: bad"
