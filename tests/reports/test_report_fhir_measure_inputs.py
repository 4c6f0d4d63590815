"""Any answers any instrument allows, entered either way, give measure resources that pass both FHIR validators and
carry the answers, the total and the subscales exactly as core scored them."""

from __future__ import annotations

from datetime import timedelta

from fhir.resources.R4B import get_fhir_model_class
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ketadesk.core.instruments.measures import EntryMode, Measure
from ketadesk.core.instruments.rules import outcome_status
from ketadesk.core.instruments.types import Asked, Instrument, InstrumentKey
from ketadesk.reports.fhir import visit_bundle
from tests.engines import BOTH_ENGINES
from tests.reports.conftest import ReportInputs
from tests.reports.fhir_checks import schema_errors

pytestmark = BOTH_ENGINES  # on a file and on a server's database

SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
MEASURE_KINDS = {"Questionnaire", "QuestionnaireResponse", "Provenance"}


@st.composite
def answers_to(draw: st.DrawFn, instrument: Instrument) -> dict[int, int]:
    """Answers the instrument accepts: every required item, optional ones sometimes, item 10 only above 0."""
    answers: dict[int, int] = {}
    for item in instrument.items:
        value = draw(st.integers(item.scale.low, item.scale.high))
        if item.asked is Asked.ALWAYS or (item.asked is Asked.OPTIONAL and draw(st.booleans())):
            answers[item.number] = value
    total = sum(answers.get(n, 0) for n in instrument.total_items)
    for item in instrument.items:
        if item.asked is Asked.WHEN_TOTAL_ABOVE_ZERO and total > 0 and draw(st.booleans()):
            answers[item.number] = draw(st.integers(item.scale.low, item.scale.high))
    return answers


@SETTINGS
@given(data=st.data(), key=st.sampled_from(list(InstrumentKey)), mode=st.sampled_from(list(EntryMode)))
def test_any_measure_validates_and_carries_what_core_scored(
    inputs: ReportInputs, data: st.DataObject, key: InstrumentKey, mode: EntryMode
) -> None:
    """The response has one item per answer, the total is core's and inside the instrument's range, each subscale
    is a component with core's sum, and every resource passes the R4 JSON schema and the R4B models."""
    instrument = inputs.protocol.outcomes.instrument(key)
    answers = data.draw(answers_to(instrument))
    scored = instrument.score(answers)
    summary = inputs.visit.summary
    measure = Measure(
        id=7,
        patient_id=summary.patient_id,
        course_id=summary.course_id,
        visit_id=summary.id,
        instrument=key,
        answers=tuple(sorted(answers.items())),
        scored=scored,
        status=outcome_status(key, scored.total, None),
        mode=mode,
        entered_at=inputs.visit.events[0].at - timedelta(minutes=5),
        entered_by=inputs.visit.events[0].by,
    )
    bundle = visit_bundle(inputs.visit, inputs.patient, inputs.protocol, inputs.staff, outcome_measures=[measure])
    made = [
        e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] in MEASURE_KINDS or "valueInteger" in e["resource"]
    ]
    for resource in made:
        assert not schema_errors(resource), schema_errors(resource)[:5]
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    (response,) = [r for r in made if r["resourceType"] == "QuestionnaireResponse"]
    (total,) = [r for r in made if r["resourceType"] == "Observation"]
    assert [(int(i["linkId"]), i["answer"][0]["valueInteger"]) for i in response["item"]] == sorted(answers.items())
    low, high = instrument.range
    assert total["valueInteger"] == scored.total and low <= scored.total <= high
    sums = {c["code"]["coding"][0]["code"]: c.get("valueInteger") for c in total.get("component", [])}
    assert {k: sums[f"{key.value}-{k}"] for k, _ in scored.subscales} == dict(scored.subscales)
    assert ("source" in response) is (mode is EntryMode.PATIENT)
