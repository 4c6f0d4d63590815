"""The demo's visits in which something happens, so every part of the record has an example.

A clinic's record is more than readings at ten-minute steps: a reading keyed wrong and
corrected, one charted on the wrong patient and struck, an adverse event and the drug given
for it, an infusion stopped early (and the amount that was actually given), a dose beyond
the protocol approved at the bedside, a telephone order countersigned later, a discharge
the physician approved from elsewhere. Each :class:`~ketadesk.clinic.demo_people.Story` is
written here through the clinic API by the nurse and physician it names, with their own
passwords, as the bedside would write it; the reports, the review screen and ``check`` then
meet each of them in the demo.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ketadesk.clinic.demo_people import Story
from ketadesk.clinic.demo_visit import DemoVisit, password_of
from ketadesk.core import readiness
from ketadesk.core.scales import Scale


@dataclass(frozen=True, slots=True)
class Showcase:
    """A demo visit worth opening or exporting, and what it shows."""

    visit_id: int
    patient: str
    shows: str
    course_id: int | None = None
    """The course to open for what it shows (its outcome series, its watch flags), when it is the course's story."""


SHOWS = {
    Story.CORRECTIONS: "a reading corrected, one struck as entered in error, a note and a RASS score corrected",
    Story.EARLY_STOP: "stopped early at 26 of 40 min after anxiety, midazolam given for it; the dose given",
    Story.DOSE_APPROVED_AT_BEDSIDE: "a dose step beyond the protocol, approved at the bedside by the physician",
    Story.TELEPHONE_ORDER: "a telephone order for a raised baseline, countersigned by the physician",
    Story.NAUSEA: "nausea during the infusion, ondansetron given for it",
    Story.DISCHARGE_REQUESTED: "discharged with BP above the limit, approved by the physician from his session",
}
"""What each story's visit shows, in the words `ketadesk demo` lists it with."""
ADDENDUM_SHOWS = "signed, then an addendum correcting the discharge record"
REQUEST_SHOWS = "today: a raised baseline waiting for the physician's approval"
RISK_SHOWS = {
    False: "PHQ-9 item 9 answered 1: a suicide-risk flag to assess before the infusion can start",
    True: "PHQ-9 item 9 answered 1, assessed (low risk) by the nurse before the infusion",
}
"""Today's PHQ-9 item-9 flags, by whether the flag was assessed (ketadesk.clinic.demo_outcomes.FLAG_TODAY)."""


def _corrections(w: DemoVisit, observation_min: int) -> None:
    """Corrections, each with its reason: the original stays, struck through, wherever the visit shows."""
    n, visit = w.nurse, w.visit_id
    w.check_in()
    note = n.bedside.add_note(visit, "nursing", "IV sited left antecubital, flushed well.").created_id or 0
    w.clock.advance(minutes=1)
    n.corrections.correct_note(
        visit,
        note,
        reason="Wrong arm charted: the cannula is in the right arm.",
        text="IV sited right antecubital, flushed well.",
    )
    w.vitals()
    w.prepare()
    w.clear_baseline()
    w.clock.advance(minutes=3)

    def keyed_wrong() -> None:  # a recheck after she moved her arm, the systolic keyed wrong
        wrong = w.chart(168, 78, 76)
        w.clock.advance(minutes=2)
        n.bedside.correct_vitals(
            visit,
            wrong,
            reason="Systolic keyed as 168; the monitor shows 128/78 for this reading.",
            sbp=128,
            dbp=78,
            hr=76,
            spo2=98,
            rr=14,
        )

    def sedation_keyed_wrong() -> None:
        n.bedside.record_sedation(visit, moaas=4, rass=-2)
        w.clock.advance(minutes=1)
        rass = n.visits.get(visit).detail.latest_score(Scale.RASS)
        assert rass is not None  # just recorded
        n.corrections.correct_score(
            visit,
            rass.id,
            reason="RASS keyed as -2: she kept her eyes open to voice for more than 10 s (-1).",
            level=-1,
        )

    def wrong_patient() -> None:
        stray = w.chart(142, 91, 104, 96, 18)
        w.clock.advance(minutes=3)
        n.bedside.correct_vitals(
            visit, stray, reason="Charted on the wrong patient: this set is chair 3's.", entered_in_error=True
        )

    w.infuse(then={15: keyed_wrong, 22: sedation_keyed_wrong, 25: wrong_patient})
    w.observe(observation_min)
    w.discharge()


EARLY_STOP_AT_MIN = 26


def _early_stop(w: DemoVisit, observation_min: int) -> None:
    """Anxiety at 18 minutes, midazolam for it, the pump stopped at 26: the record says what was given."""
    n, visit = w.nurse, w.visit_id
    w.check_in()
    w.vitals()
    w.prepare(0.5)
    w.clear_baseline()
    w.clock.advance(minutes=3)
    event: list[int] = []

    def distress() -> None:
        w.chart(152, 94, 112, 97, 20)
        created = n.bedside.record_adverse_event(
            visit,
            "anxiety_agitation",
            "Frightened by the dissociation, crying and pulling at the IV line; coaching and music did not settle her.",
        ).created_id
        event.append(created or 0)
        n.bedside.add_note(visit, "dissociation", 'Said «أشعر أنني أسقط» ("I feel I am falling"), hands over her eyes.')

    def midazolam() -> None:
        n.bedside.record_intervention(
            visit,
            drug="Midazolam",
            dose="1 mg",
            route="IV",
            note="For the anxiety at 18 min; settled within 5 min.",
            adverse_event_id=event[0],
        )

    w.infuse(EARLY_STOP_AT_MIN, then={18: distress, 21: midazolam})
    w.stop_early("Stopped at the patient's request after the distress at 18 min; Dr Okonkwo informed.")
    w.recover(observation_min)
    w.discharge()
    w.clock.advance(minutes=20)
    w.physician.bedside.add_note(
        visit,
        "physician",
        "Reviewed the early stop with her: next infusion at the same dose with her own music and eyes open; "
        "midazolam 1 mg IV may be given again for distress.",
    )


def _dose_approved_at_bedside(w: DemoVisit, observation_min: int) -> None:
    """A step up of more than the protocol allows: the physician at the bedside approves it with his own password."""
    w.check_in()
    w.vitals()
    w.prepare(0.8)
    w.clear_baseline()
    w.clock.advance(minutes=2)
    physician = w.physician.session.user.login
    w.nurse.approvals.approve_at_bedside(
        w.visit_id,
        readiness.DOSE_OVERRIDE,
        "Little response to 0.5 mg/kg; 0.8 mg/kg discussed with her and agreed, BP every 10 min as usual.",
        physician_login=physician,
        password=password_of(w.physician),
    )
    w.clock.advance(minutes=3)
    w.infuse()
    w.observe(observation_min)
    w.discharge()


def _telephone_order(w: DemoVisit, observation_min: int) -> None:
    """A raised baseline cleared by telephone, read back; the physician countersigns it after the visit."""
    n, visit = w.nurse, w.visit_id
    w.base_sbp, w.base_dbp, w.base_hr = 142, 88, 76  # known hypertension, on amlodipine
    w.check_in()
    w.chart(148, 94, 78)
    w.prepare()
    order = n.orders.record_verbal_order(
        visit,
        readiness.BASELINE_BP,
        "Proceed at 0.5 mg/kg; BP every 5 min for the first 20 min; call me if the systolic reaches 170.",
        "BP 148/94, HR 78",
        physician_login=w.physician.session.user.login,
        mode="telephone",
        read_back=True,
    ).created_id
    w.clock.advance(minutes=3)
    w.infuse(then={5: lambda: w.vitals(0.2), 15: lambda: w.vitals(0.4)})
    w.observe(observation_min)
    w.discharge()
    w.clock.advance(minutes=50)
    w.physician.orders.countersign_order(order or 0, password=password_of(w.physician))


def _nausea(w: DemoVisit, observation_min: int) -> None:
    """Nausea at 25 minutes, ondansetron for it at 27; the infusion runs to its end."""
    n, visit = w.nurse, w.visit_id
    w.pre_assessment()
    event: list[int] = []

    def nausea() -> None:
        created = n.bedside.record_adverse_event(visit, "nausea", "Nauseated, no vomiting; sipping water.")
        event.append(created.created_id or 0)

    def ondansetron() -> None:
        n.bedside.record_intervention(
            visit,
            drug="Ondansetron",
            dose="4 mg",
            route="IV",
            note="Nausea eased by 35 min.",
            adverse_event_id=event[0],
        )

    w.infuse(then={25: nausea, 27: ondansetron})
    w.observe(observation_min)
    w.discharge()


def _discharge_requested(w: DemoVisit, observation_min: int) -> None:
    """BP still above 20 % of baseline at discharge: the nurse asks, the physician approves from his own session."""
    n, visit = w.nurse, w.visit_id
    w.base_sbp, w.base_dbp = 126, 80
    w.pre_assessment()
    w.infuse()
    w.observe(max(observation_min, 45))
    w.ready()
    w.chart(162, 96, 84)
    baseline = n.visits.get(visit).detail.baseline
    assert baseline is not None  # charted at pre-assessment
    shown = f"BP 162/96 (baseline {baseline.vitals.sbp}/{baseline.vitals.dbp})"
    request = n.orders.request_approval(
        visit,
        readiness.DISCHARGE_OVERRIDE,
        "BP still more than 20 % above his baseline at discharge; no headache, chest pain or visual change; "
        "steady on his feet, his wife drives him home.",
        shown,
        physician_login=w.physician.session.user.login,
    ).created_id
    w.clock.advance(minutes=6)
    w.physician.orders.approve_request(
        request or 0,
        "Runs higher after infusions; home with his wife, to check his BP tonight and call if above 170.",
        password=password_of(w.physician),
    )
    w.go_home()


STORIES: dict[Story, Callable[[DemoVisit, int], None]] = {
    Story.CORRECTIONS: _corrections,
    Story.EARLY_STOP: _early_stop,
    Story.DOSE_APPROVED_AT_BEDSIDE: _dose_approved_at_bedside,
    Story.TELEPHONE_ORDER: _telephone_order,
    Story.NAUSEA: _nausea,
    Story.DISCHARGE_REQUESTED: _discharge_requested,
}
"""Each story's visit from check-in to home (the demo signs it afterwards when it is old enough)."""


def ask_for_baseline_approval(w: DemoVisit) -> None:
    """Today's pre-assessment: a raised baseline, and the nurse asks the physician elsewhere to approve it.

    The request waits on the physician's worklist; nothing is cleared until he answers.
    """
    w.chart(152, 94, 88)
    w.nurse.orders.request_approval(
        w.visit_id,
        readiness.BASELINE_BP,
        "Baseline 152/94 after hurrying from the train; no headache or chest pain; recheck in 10 min planned.",
        "BP 152/94, HR 88",
        physician_login=w.physician.session.user.login,
    )
