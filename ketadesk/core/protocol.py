"""The clinic's protocol: the numbers a clinic may change, read from TOML and checked.

A protocol is data, not code. Defaults ship with the program; a clinic overrides any key
with a file of its own. A bad file is refused with the key, the line and the reason, so the
person who edited it can fix it without reading Python.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import tzinfo
from functools import partial
from typing import Any

from ketadesk.core.cadss6 import CADSS6_NUMBERS
from ketadesk.core.course_taper import maintenance_taper
from ketadesk.core.identifiers import identifier_system
from ketadesk.core.local_time import zone_named, zone_setting
from ketadesk.core.protocol_outcomes import OutcomeSettings, read_outcomes
from ketadesk.core.watch.settings import WatchRules, read_watch


class ProtocolError(ValueError):
    """A protocol file that cannot be used, with where and why."""

    def __init__(self, source: str, key: str, reason: str, line: int | None = None) -> None:
        self.source = source
        self.key = key
        self.reason = reason
        self.line = line
        where = f"{source}, line {line}" if line else source
        super().__init__(f"{where}: {key}: {reason}")


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    """One line of a checklist; ``automatic`` items are judged by the program from the record."""

    key: str
    label: str
    automatic: bool = False


@dataclass(frozen=True, slots=True)
class ScheduleTemplate:
    """How many infusions in each week of induction, then the maintenance taper and interval (days)."""

    key: str
    label: str
    visits_per_week: tuple[int, ...]
    maintenance_interval_days: int
    maintenance_taper_days: tuple[int, ...] = ()  # see ketadesk.core.course_taper

    @property
    def induction_count(self) -> int:
        """Total number of induction infusions in the template."""
        return sum(self.visits_per_week)


@dataclass(frozen=True, slots=True)
class AlertThresholds:
    """Readings at which the nurse is alerted and must acknowledge with a note."""

    sbp_at_or_above: int
    sbp_below: int
    dbp_at_or_above: int
    hr_above: int
    hr_below: int
    spo2_below: int
    rr_below: int
    rr_above: int
    baseline_sbp_above: int
    baseline_dbp_above: int


@dataclass(frozen=True, slots=True)
class ExtremeLimits:
    """Readings possible but rare enough to be a typing slip: the nurse confirms them before they are saved."""

    sbp_at_or_above: int
    dbp_at_or_below: int
    pulse_pressure_at_or_above: int
    pulse_pressure_at_or_below: int
    hr_at_or_above: int
    spo2_at_or_below: int


@dataclass(frozen=True, slots=True)
class DoseRules:
    """Dose limits and the escalation rule, in mg/kg."""

    default_mg_per_kg: float
    min_mg_per_kg: float
    max_mg_per_kg: float
    max_step_mg_per_kg: float


@dataclass(frozen=True, slots=True)
class Protocol:
    """Everything a clinic configures about how an infusion visit runs."""

    clinic_name: str
    chairs: int
    page_size: str
    idle_lock_minutes: int
    backups_kept: int
    drug: str
    route: str
    infusion_duration_min: int
    concentration_mg_per_ml: float
    dose: DoseRules
    observation_minimum_min: int
    vitals_interval_min: dict[str, int]
    alerts: AlertThresholds
    extremes: ExtremeLimits
    aldrete_pass: int
    vitals_within_percent_of_baseline: int
    templates: tuple[ScheduleTemplate, ...]
    default_template: str
    pre_infusion_checklist: tuple[ChecklistItem, ...]
    discharge_checklist: tuple[ChecklistItem, ...]
    cadss6_items: tuple[tuple[int, str], ...]
    """The CADSS-6 items in order with the clinic's labels ([scales.cadss6]: plain defaults or licensed wording)."""
    outcomes: OutcomeSettings  # [outcomes], [outcomes.suicide_risk], [scales.fear_questionnaire]
    watch: WatchRules  # the tolerance and misuse watch's thresholds ([watch], core.watch.settings)
    mrn_system: str = ""  # the URI of the clinic's MRNs in exports; "" derives urn:ketadesk:<installation>:mrn
    time_zone: str = ""  # the clinic's IANA time zone, that reports print times in; "" for the workstation's own

    @property
    def zone(self) -> tzinfo | None:
        """The clinic's time zone (None: the workstation's), checked when the protocol was read."""
        return zone_named(self.time_zone)

    def template(self, key: str | None = None) -> ScheduleTemplate:
        """Return the named schedule template, or the clinic's default."""
        wanted = key or self.default_template
        for template in self.templates:
            if template.key == wanted:
                return template
        known = ", ".join(t.key for t in self.templates)
        raise KeyError(f"no course template {wanted!r}; the protocol has {known}")


def merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Overlay a clinic's file on the defaults: tables merge key by key, other values replace."""
    merged = dict(base)
    for key, value in override.items():
        nested = isinstance(value, dict) and isinstance(merged.get(key), dict)
        merged[key] = merge(merged[key], value) if nested else value
    return merged


def parse_toml(text: str, source: str) -> dict[str, Any]:
    """Parse TOML text, turning syntax errors into a :class:`ProtocolError` with the line."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"line (\d+)", str(error))
        line = int(match.group(1)) if match else None
        raise ProtocolError(source, "(syntax)", str(error), line) from error


def _line_of(text: str, section: str, key: str) -> int | None:
    """Best-effort line of ``key`` within ``[section]`` of one TOML text ("" for the top level)."""
    current = ""
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if stripped.startswith("["):
            current = stripped.strip("[]").strip()
        elif current == section and re.match(rf"{re.escape(key)}\s*=", stripped):
            return number
    return None


class _Reader:
    """Reads typed values out of the parsed tables, naming the key and line on failure."""

    def __init__(self, data: dict[str, Any], source: str, texts: list[str]) -> None:
        self.data = data
        self.source = source
        self.texts = texts

    def fail(self, section: str, key: str, reason: str) -> ProtocolError:
        # Only the file named by ``source`` is searched: a line number from the shipped
        # defaults would send the clinic to a line their own file does not have.
        return ProtocolError(self.source, f"[{section}] {key}", reason, _line_of(self.texts[-1], section, key))

    def table(self, section: str) -> dict[str, Any]:
        node: Any = self.data
        for part in section.split("."):
            if not isinstance(node, dict) or part not in node:
                raise ProtocolError(self.source, f"[{section}]", "the table is missing")
            node = node[part]
        if not isinstance(node, dict):
            raise ProtocolError(self.source, f"[{section}]", "must be a table")
        return node

    def number(self, section: str, key: str, low: float, high: float, *, whole: bool = False) -> float:
        table = self.table(section)
        if key not in table:
            raise self.fail(section, key, "is missing")
        value = table[key]
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(section, key, f"{value!r} must be a number")
        if whole and not isinstance(value, int):
            raise self.fail(section, key, f"{value!r} must be a whole number")
        if not low <= value <= high:
            raise self.fail(section, key, f"{value} must be between {low:g} and {high:g}")
        return float(value)

    def whole(self, section: str, key: str, low: int, high: int) -> int:
        return int(self.number(section, key, low, high, whole=True))

    def text(self, section: str, key: str, choices: tuple[str, ...] = ()) -> str:
        table = self.table(section)
        value = table.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(section, key, "must be a non-empty text")
        if choices and value not in choices:
            raise self.fail(section, key, f"{value!r} must be one of {', '.join(choices)}")
        return value.strip()


def _checklist(reader: _Reader, name: str) -> tuple[ChecklistItem, ...]:
    checklists = reader.table("checklists")
    raw = checklists.get(name)
    if not isinstance(raw, list) or not raw:
        raise ProtocolError(reader.source, f"[[checklists.{name}]]", "needs at least one item")
    items: list[ChecklistItem] = []
    for index, entry in enumerate(raw, start=1):
        where = f"[[checklists.{name}]] item {index}"
        if not isinstance(entry, dict):
            raise ProtocolError(reader.source, where, "must be a table with key and label")
        key, label = entry.get("key"), entry.get("label")
        if not isinstance(key, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", key):
            raise ProtocolError(reader.source, where, f"key {key!r} must be lower_case_words")
        if not isinstance(label, str) or not label.strip():
            raise ProtocolError(reader.source, where, "label must be a non-empty text")
        if any(item.key == key for item in items):
            raise ProtocolError(reader.source, where, f"key {key!r} appears twice")
        items.append(ChecklistItem(key, label.strip(), bool(entry.get("automatic", False))))
    return tuple(items)


def _templates(reader: _Reader) -> tuple[ScheduleTemplate, ...]:
    raw = reader.table("course").get("templates")
    if not isinstance(raw, list) or not raw:
        raise ProtocolError(reader.source, "[[course.templates]]", "needs at least one template")
    templates: list[ScheduleTemplate] = []
    for index, entry in enumerate(raw, start=1):
        where = f"[[course.templates]] item {index}"
        if not isinstance(entry, dict):
            raise ProtocolError(reader.source, where, "must be a table")
        key, label = entry.get("key"), entry.get("label")
        weeks = entry.get("visits_per_week")
        interval = entry.get("maintenance_interval_days")
        if not isinstance(key, str) or not key:
            raise ProtocolError(reader.source, where, "key must be a non-empty text")
        if not isinstance(label, str) or not label:
            raise ProtocolError(reader.source, where, "label must be a non-empty text")
        if (
            not isinstance(weeks, list)
            or not weeks
            or not all(isinstance(n, int) and not isinstance(n, bool) and 1 <= n <= 7 for n in weeks)
        ):
            raise ProtocolError(reader.source, where, f"visits_per_week {weeks!r} must list whole numbers 1-7")
        if not isinstance(interval, int) or isinstance(interval, bool) or not 1 <= interval <= 365:
            raise ProtocolError(reader.source, where, f"maintenance_interval_days {interval!r} must be 1-365")
        taper = maintenance_taper(entry, interval, index, reader.texts[-1], partial(ProtocolError, reader.source))
        templates.append(ScheduleTemplate(key, label, tuple(weeks), interval, taper))
    return tuple(templates)


def _extremes(r: _Reader, alerts: AlertThresholds) -> ExtremeLimits:
    """The [extremes] limits, each inside plausibility and beyond its alert threshold (else every alert asks)."""
    section = "extremes"
    limits = ExtremeLimits(
        sbp_at_or_above=r.whole(section, "sbp_at_or_above", 40, 300),
        dbp_at_or_below=r.whole(section, "dbp_at_or_below", 20, 200),
        pulse_pressure_at_or_above=r.whole(section, "pulse_pressure_at_or_above", 2, 280),
        pulse_pressure_at_or_below=r.whole(section, "pulse_pressure_at_or_below", 1, 280),
        hr_at_or_above=r.whole(section, "hr_at_or_above", 20, 250),
        spo2_at_or_below=r.whole(section, "spo2_at_or_below", 50, 100),
    )
    # An extreme at or inside its alert threshold would ask about every alert reading.
    if limits.sbp_at_or_above < alerts.sbp_at_or_above:
        raise r.fail(
            section, "sbp_at_or_above", f"must not be below [alerts] sbp_at_or_above ({alerts.sbp_at_or_above})"
        )
    if limits.dbp_at_or_below >= alerts.dbp_at_or_above:
        raise r.fail(section, "dbp_at_or_below", f"must be below [alerts] dbp_at_or_above ({alerts.dbp_at_or_above})")
    if limits.hr_at_or_above <= alerts.hr_above:
        raise r.fail(section, "hr_at_or_above", f"must be above [alerts] hr_above ({alerts.hr_above})")
    if limits.spo2_at_or_below >= alerts.spo2_below:
        raise r.fail(section, "spo2_at_or_below", f"must be below [alerts] spo2_below ({alerts.spo2_below})")
    if limits.pulse_pressure_at_or_below >= limits.pulse_pressure_at_or_above:
        raise r.fail(section, "pulse_pressure_at_or_below", "must be lower than pulse_pressure_at_or_above")
    return limits


def _refuse_unknown_keys(
    base: dict[str, Any], override: dict[str, Any], source: str, text: str, section: str = ""
) -> None:
    """Refuse a key the defaults do not have: a misspelt threshold would otherwise be ignored silently."""
    for key, value in override.items():
        full = f"{section}.{key}" if section else key
        if key not in base:
            if isinstance(value, dict):  # a whole misspelt [table]: point at its header
                lines = [raw.strip() for raw in text.splitlines()]
                line = lines.index(f"[{full}]") + 1 if f"[{full}]" in lines else None
                raise ProtocolError(source, f"[{full}]", "is not a protocol table (check the spelling)", line)
            raise ProtocolError(
                source,
                f"[{section}] {key}" if section else key,
                "is not a protocol setting (check the spelling)",
                _line_of(text, section, key),
            )
        if isinstance(value, dict) and isinstance(base[key], dict):
            _refuse_unknown_keys(base[key], value, source, text, full)


def load_protocol(default_text: str, override_text: str | None = None, source: str = "protocol") -> Protocol:
    """Build a :class:`Protocol` from the shipped defaults and an optional clinic override.

    Raises :class:`ProtocolError` naming the key, the line where it can be found and why.
    """
    data = parse_toml(default_text, "default protocol")
    texts = [default_text]
    if override_text is not None:
        override = parse_toml(override_text, source)
        _refuse_unknown_keys(data, override, source, override_text)
        data = merge(data, override)
        texts.append(override_text)
    r = _Reader(data, source, texts)

    dose = DoseRules(
        default_mg_per_kg=r.number("dose", "default_mg_per_kg", 0.05, 3.0),
        min_mg_per_kg=r.number("dose", "min_mg_per_kg", 0.05, 3.0),
        max_mg_per_kg=r.number("dose", "max_mg_per_kg", 0.05, 3.0),
        max_step_mg_per_kg=r.number("dose", "max_step_mg_per_kg", 0.0, 3.0),
    )
    if dose.min_mg_per_kg > dose.max_mg_per_kg:
        raise r.fail("dose", "min_mg_per_kg", "must not be above max_mg_per_kg")
    if not dose.min_mg_per_kg <= dose.default_mg_per_kg <= dose.max_mg_per_kg:
        raise r.fail("dose", "default_mg_per_kg", "must lie between min_mg_per_kg and max_mg_per_kg")

    alerts = AlertThresholds(
        sbp_at_or_above=r.whole("alerts", "sbp_at_or_above", 100, 300),
        sbp_below=r.whole("alerts", "sbp_below", 40, 150),
        dbp_at_or_above=r.whole("alerts", "dbp_at_or_above", 50, 200),
        hr_above=r.whole("alerts", "hr_above", 60, 250),
        hr_below=r.whole("alerts", "hr_below", 20, 100),
        spo2_below=r.whole("alerts", "spo2_below", 50, 100),
        rr_below=r.whole("alerts", "rr_below", 2, 30),
        rr_above=r.whole("alerts", "rr_above", 10, 60),
        baseline_sbp_above=r.whole("alerts", "baseline_sbp_above", 80, 250),
        baseline_dbp_above=r.whole("alerts", "baseline_dbp_above", 40, 150),
    )
    for low, high in (("sbp_below", "sbp_at_or_above"), ("hr_below", "hr_above"), ("rr_below", "rr_above")):
        if getattr(alerts, low) >= getattr(alerts, high):
            raise r.fail("alerts", low, f"must be lower than {high}")

    extremes = _extremes(r, alerts)
    intervals = {
        phase: r.whole("vitals_interval_min", phase, 1, 120)
        for phase in ("infusing", "observation", "ready_for_discharge")
    }
    templates = _templates(r)
    default_template = r.text("course", "default_template", tuple(t.key for t in templates))

    return Protocol(
        clinic_name=r.text("clinic", "name"),
        chairs=r.whole("clinic", "chairs", 1, 24),
        page_size=r.text("clinic", "page_size", ("Letter", "A4")),
        idle_lock_minutes=r.whole("clinic", "idle_lock_minutes", 1, 120),
        backups_kept=r.whole("clinic", "backups_kept", 1, 365),
        drug=r.text("infusion", "drug"),
        route=r.text("infusion", "route"),
        infusion_duration_min=r.whole("infusion", "duration_min", 5, 240),
        concentration_mg_per_ml=r.number("infusion", "concentration_mg_per_ml", 0.01, 100.0),
        dose=dose,
        observation_minimum_min=r.whole("observation", "minimum_min", 0, 480),
        vitals_interval_min=intervals,
        alerts=alerts,
        extremes=extremes,
        aldrete_pass=r.whole("discharge", "aldrete_pass", 0, 10),
        vitals_within_percent_of_baseline=r.whole("discharge", "vitals_within_percent_of_baseline", 1, 100),
        templates=templates,
        default_template=default_template,
        pre_infusion_checklist=_checklist(r, "pre_infusion"),
        discharge_checklist=_checklist(r, "discharge"),
        cadss6_items=tuple((n, r.text("scales.cadss6", f"item_{n}")) for n in CADSS6_NUMBERS),
        outcomes=read_outcomes(r),
        watch=read_watch(r),
        time_zone=zone_setting(r.table("clinic").get("time_zone", ""), "clinic", "time_zone", r.fail),
        mrn_system=identifier_system(r.table("clinic").get("mrn_system", ""), "clinic", "mrn_system", r.fail),
    )
