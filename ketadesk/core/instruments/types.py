"""What an outcome instrument is: its items, answer scale, scoring, bands, licence and codes.

Every instrument (PHQ-9, GAD-7, PCL-5, the Fear Questionnaire) is a value of
:class:`Instrument` built once in its own module; scoring is the one :meth:`Instrument.score`,
so a total is checked and computed the same way at the bedside, in the patient's
questionnaire, in a report and in a test. Answers come in as a mapping of item number to
the number chosen; anything else is refused naming the item, the value and what is allowed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum

from ketadesk.core.errors import ValidationError

INSTRUMENT_SYSTEM = "urn:ketadesk:instrument"
"""The clinic's own code system for instruments and scores no public terminology we could verify codes
(PCL-5 and the Fear Questionnaire: public lists give conflicting LOINC codes for both, CLINICAL.md)."""
LOINC = "http://loinc.org"


class InstrumentKey(StrEnum):
    """An outcome instrument. The value is what the store keeps in ``outcome_measures.instrument``."""

    PHQ9 = "phq9"
    GAD7 = "gad7"
    PCL5 = "pcl5"
    FQ = "fear_questionnaire"


class Asked(StrEnum):
    """When an item is asked, and so whether an answer to it must, may or must not be given."""

    ALWAYS = "always"
    """Always asked; an answer is required."""
    OPTIONAL = "optional"
    """Always asked; the patient may leave it (an "other" item when they name nothing)."""
    WHEN_TOTAL_ABOVE_ZERO = "when_total_above_zero"
    """Asked only when the total is above 0 (PHQ-9 item 10); may be left then, refused otherwise."""


@dataclass(frozen=True, slots=True)
class Anchor:
    """One point of an answer scale with its words: ``0 Not at all``."""

    value: int
    label: str


@dataclass(frozen=True, slots=True)
class AnswerScale:
    """The numbers an item may take, low to high, and the words of those that have them."""

    low: int
    high: int
    anchors: tuple[Anchor, ...]

    @property
    def values(self) -> range:
        """Every number an answer may be."""
        return range(self.low, self.high + 1)

    def label(self, value: int) -> str:
        """The words for ``value`` ("" for a point the form leaves unlabelled)."""
        return next((a.label for a in self.anchors if a.value == value), "")

    @property
    def text(self) -> str:
        """The scale as a refusal states it: ``0 to 3``."""
        return f"{self.low} to {self.high}"


@dataclass(frozen=True, slots=True)
class Item:
    """One question: its number on the form, its words, its scale, and whether it is asked and added."""

    number: int
    text: str
    scale: AnswerScale
    in_total: bool = True
    asked: Asked = Asked.ALWAYS


@dataclass(frozen=True, slots=True)
class Band:
    """A named range of the total: ``10–14 moderate``."""

    low: int
    high: int
    name: str

    @property
    def text(self) -> str:
        """The band as a legend writes it: ``10–14 moderate``."""
        return f"{self.low}–{self.high} {self.name}"


@dataclass(frozen=True, slots=True)
class Code:
    """A code in a code system, with the words it stands for."""

    system: str
    code: str
    display: str


@dataclass(frozen=True, slots=True)
class Subscale:
    """A named sum of some items (a PCL-5 cluster, an FQ subscale)."""

    key: str
    label: str
    items: tuple[int, ...]
    item_high: int

    @property
    def range(self) -> tuple[int, int]:
        """The lowest and highest sum."""
        return 0, self.item_high * len(self.items)


@dataclass(frozen=True, slots=True)
class Finding:
    """A rule of the instrument judged on one set of answers (PCL-5's provisional PTSD), with why."""

    key: str
    label: str
    met: bool
    detail: str


@dataclass(frozen=True, slots=True)
class Scored:
    """One set of answers scored: total, band, subscales and findings, with the scoring's version."""

    instrument: InstrumentKey
    total: int
    band: Band | None
    subscales: tuple[tuple[str, int], ...]
    findings: tuple[Finding, ...]
    version: str

    def subscale(self, key: str) -> int:
        """One subscale's sum."""
        return dict(self.subscales)[key]

    def finding(self, key: str) -> Finding | None:
        """One finding, if the instrument has it."""
        return next((f for f in self.findings if f.key == key), None)


Judge = Callable[[Mapping[int, int], int], tuple[Finding, ...]]


def _no_findings(_answers: Mapping[int, int], _total: int) -> tuple[Finding, ...]:
    return ()


@dataclass(frozen=True, slots=True)
class Instrument:
    """One outcome instrument as published (and, for wording a clinic licenses, as its protocol words it)."""

    key: InstrumentKey
    name: str
    title: str
    version: str
    """The version of this scoring; a stored measure names it, so a later change of rule is visible."""
    stem: str
    items: tuple[Item, ...]
    total_label: str
    bands: tuple[Band, ...]
    subscales: tuple[Subscale, ...]
    licence: str
    source: str
    panel: Code
    total_code: Code
    judge: Judge = field(default=_no_findings, compare=False)

    @property
    def total_items(self) -> tuple[int, ...]:
        """The items added into the total."""
        return tuple(i.number for i in self.items if i.in_total)

    @property
    def range(self) -> tuple[int, int]:
        """The lowest and highest total."""
        scales = {i.number: i.scale for i in self.items}
        return (
            sum(scales[n].low for n in self.total_items),
            sum(scales[n].high for n in self.total_items),
        )

    def item(self, number: int) -> Item:
        """One item by its number on the form."""
        for item in self.items:
            if item.number == number:
                return item
        raise KeyError(number)

    def band_for(self, total: int) -> Band | None:
        """The band the total falls in (None for an instrument without bands)."""
        return next((b for b in self.bands if b.low <= total <= b.high), None)

    def with_labels(self, labels: Mapping[int, str], stem: str | None = None) -> Instrument:
        """The same instrument worded as the clinic's protocol words it (the structure and scoring unchanged)."""
        items = tuple(replace(i, text=labels.get(i.number, i.text)) for i in self.items)
        return replace(self, items=items, stem=self.stem if stem is None else stem)

    def check(self, answers: Mapping[int, int]) -> dict[int, int]:
        """The answers checked against the items: every required item answered, each on its scale, nothing else.

        A refusal names the item (``field`` ``phq9 item 4``), the value given and what is allowed.
        """
        key = self.key.value
        if not isinstance(answers, Mapping):
            raise ValidationError(key, answers, f"the answers to {self.name}, each item's number to the number chosen")
        numbers = {i.number for i in self.items}
        checked: dict[int, int] = {}
        for number, value in answers.items():
            if isinstance(number, bool) or not isinstance(number, int) or number not in numbers:
                allowed = f"{self.name} has items {min(numbers)}–{max(numbers)}"
                raise ValidationError(
                    f"{key} item", number, allowed, message=f"{self.name}: no item {number!r}; {allowed}."
                )
            scale = self.item(number).scale
            if isinstance(value, bool) or not isinstance(value, int) or value not in scale.values:
                allowed = f"{self.name} item {number} is answered {scale.text}"
                raise ValidationError(
                    f"{key} item {number}",
                    value,
                    allowed,
                    message=f"{self.name} item {number}: {value!r} is not allowed; it is answered {scale.text}.",
                )
            checked[number] = value
        missing = [i for i in self.items if i.asked is Asked.ALWAYS and i.number not in checked]
        if missing:
            listed = ", ".join(str(i.number) for i in missing)
            first = missing[0]
            raise ValidationError(
                f"{key} item {first.number}",
                "",
                f"{self.name} item {first.number} is answered {first.scale.text}",
                message=f"{self.name} item{'s' if len(missing) > 1 else ''} {listed}: not answered; "
                f"each is answered {first.scale.text}.",
            )
        total = sum(checked.get(n, 0) for n in self.total_items)
        for item in self.items:
            if item.asked is Asked.WHEN_TOTAL_ABOVE_ZERO and total == 0 and item.number in checked:
                raise ValidationError(
                    f"{key} item {item.number}",
                    checked[item.number],
                    f"{self.name} item {item.number} is asked only when the total is above 0",
                    message=f"{self.name} item {item.number}: {checked[item.number]} is not allowed; the item is "
                    "asked only when the total is above 0, and it is 0.",
                )
        return checked

    def score(self, answers: Mapping[int, int]) -> Scored:
        """Check and score one set of answers."""
        checked = self.check(answers)
        total = sum(checked.get(n, 0) for n in self.total_items)
        subscales = tuple((s.key, sum(checked.get(n, 0) for n in s.items)) for s in self.subscales)
        return Scored(self.key, total, self.band_for(total), subscales, self.judge(checked, total), self.version)


def scale(*labels: str, low: int = 0) -> AnswerScale:
    """An answer scale whose every point has words, from ``low`` up (0 Not at all, 1 Several days …)."""
    return AnswerScale(low, low + len(labels) - 1, tuple(Anchor(low + n, text) for n, text in enumerate(labels)))


def local_code(instrument: InstrumentKey, what: str, display: str) -> Code:
    """A code in the clinic's own instrument system: ``pcl5``, ``pcl5-total``, ``pcl5-cluster_b``."""
    code = instrument.value if not what else f"{instrument.value}-{what}"
    return Code(INSTRUMENT_SYSTEM, code, display)
