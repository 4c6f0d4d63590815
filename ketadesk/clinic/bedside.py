"""At the bedside: checklists, vital signs and their corrections, alerts, notes, events, sedation scores.

Every entry is written as the signed-in clinician with its audit row, at the time it
happened (late entries within core's limits), and never overwrites an earlier one.
"""

from __future__ import annotations

from datetime import datetime

from ketadesk.clinic import keys
from ketadesk.clinic.accounts import Accounts
from ketadesk.clinic.approvals import write_override
from ketadesk.clinic.changes import Change, Changes
from ketadesk.clinic.corrections import CORRECTION_REFUSAL, CORRECTION_REFUSAL_MESSAGE
from ketadesk.clinic.record_signing import Key
from ketadesk.clinic.usecase import Area, checked_phase, use_case
from ketadesk.clinic.vitals_writes import correct_reading, record_reading
from ketadesk.core.audit import AuditAction
from ketadesk.core.charting import NOTE_KINDS
from ketadesk.core.clock import to_utc_iso
from ketadesk.core.errors import ValidationError
from ketadesk.core.events import AdverseEventKind, validate_event_description, validate_intervention
from ketadesk.core.patient import NOTE_MAX, clean_text
from ketadesk.core.phases import AFTER_START, CHARTED_UNSIGNED, IN_THE_CHAIR, NOTES_OPEN, RECOVERY, Phase
from ketadesk.core.protocol import ChecklistItem
from ketadesk.core.scales import Scale, cadss6_total, check_moaas, check_rass
from ketadesk.core.users import CHARTING, PHYSICIAN_ONLY
from ketadesk.core.vitals import Source
from ketadesk.store import visits as store_visits


class Bedside(Area):
    """What the nurse charts while the patient is in the chair."""

    # ------------------------------------------------------------------ checklists

    def record_checklist(self, visit_id: int, checklist: str, item_key: str, checked: bool, note: str = "") -> Changes:
        """Tick or untick one checklist item (the latest answer counts; every answer is kept)."""
        protocol = self.session.protocol
        items = {"pre_infusion": protocol.pre_infusion_checklist, "discharge": protocol.discharge_checklist}.get(
            checklist
        )
        if items is None:
            raise ValidationError("checklist", checklist, "pre_infusion or discharge")
        item = next((i for i in items if i.key == item_key), None)
        if item is None:
            raise ValidationError("item", item_key, f"one of the {checklist.replace('_', '-')} checklist items")
        answer = self.answer_pre_infusion if checklist == "pre_infusion" else self.answer_discharge
        return answer(visit_id, item, checked, note)

    @use_case(
        "chart checklist items",
        roles=CHARTING,
        phases=(Phase.PRE_ASSESSMENT,),
        phase_action="answer the pre-infusion checklist",
        changes={Change.CHECKLIST},
    )
    def answer_pre_infusion(self, visit_id: int, item: ChecklistItem, checked: bool, note: str = "") -> Changes:
        """Answer one item of the pre-infusion checklist."""
        return self._answer(visit_id, "pre_infusion", item, checked, note)

    @use_case(
        "chart checklist items",
        roles=CHARTING,
        phases=RECOVERY,
        phase_action="answer the discharge checklist",
        changes={Change.CHECKLIST},
    )
    def answer_discharge(self, visit_id: int, item: ChecklistItem, checked: bool, note: str = "") -> Changes:
        """Answer one item of the discharge checklist."""
        return self._answer(visit_id, "discharge", item, checked, note)

    def _answer(self, visit_id: int, checklist: str, item: ChecklistItem, checked: bool, note: str) -> Changes:
        s = self.session
        # The item handed in must be one of the protocol's for this checklist: any other key would be stored as asked.
        items = s.protocol.pre_infusion_checklist if checklist == "pre_infusion" else s.protocol.discharge_checklist
        if item not in items:
            raise ValidationError("item", item.key, f"one of the {checklist.replace('_', '-')} checklist items")
        if item.automatic:
            raise ValidationError("item", item.key, "this criterion is judged from the record, not ticked")
        text = clean_text("note", note, max_length=NOTE_MAX, required=False, label="Checklist note")
        store_visits.add_checklist(
            s.store, visit_id, checklist, item.key, checked, text, at=s.stamp(), actor_id=s.user.id
        )
        return Changes.visit(visit_id)

    # ------------------------------------------------------------------ vital signs

    @use_case(
        "chart vital signs",
        roles=CHARTING,
        phases=IN_THE_CHAIR,
        phase_action="record vital signs",
        changes={Change.VITALS, Change.ALERTS},
    )
    def record_vitals(
        self,
        visit_id: int,
        *,
        sbp: str | int,
        dbp: str | int,
        hr: str | int,
        spo2: str | int,
        rr: str | int,
        temp_c: str | float | None = None,
        taken_at: datetime | None = None,
        baseline: bool | None = None,
        source: Source = Source.MANUAL,
        confirmed_extreme: bool = False,
    ) -> Changes:
        """Save a set of vitals; alerts are classified and stored with it.

        During pre-assessment a reading is the baseline unless said otherwise. A reading past
        an extreme limit of the protocol is refused (:class:`ExtremeNeedsConfirming`, naming
        the field and value) unless ``confirmed_extreme``: the nurse said it is the reading,
        and that is stored with it. The new reading's id is ``created_id``; its alerts are in
        ``warnings``.
        """
        s = self.session
        return record_reading(
            s,
            visit_id,
            checked_phase(s, visit_id),
            (sbp, dbp, hr, spo2, rr, temp_c),
            taken_at=taken_at,
            baseline=baseline,
            source=source,
            confirmed_extreme=confirmed_extreme,
        )

    @use_case(
        "correct vital signs",
        roles=CHARTING,
        phases=CHARTED_UNSIGNED,
        refusal=CORRECTION_REFUSAL,
        refusal_message=CORRECTION_REFUSAL_MESSAGE,
        changes={Change.VITALS, Change.ALERTS},
    )
    def correct_vitals(
        self,
        visit_id: int,
        vitals_id: int,
        *,
        reason: str,
        entered_in_error: bool = False,
        sbp: str | int = "",
        dbp: str | int = "",
        hr: str | int = "",
        spo2: str | int = "",
        rr: str | int = "",
        temp_c: str | float | None = None,
        confirmed_extreme: bool = False,
    ) -> Changes:
        """Replace a reading with corrected values, or strike it as entered in error; the original stays.

        Corrected values pass the same checks as a new reading: an extreme one needs ``confirmed_extreme``.
        """
        return correct_reading(
            self.session,
            visit_id,
            vitals_id,
            (sbp, dbp, hr, spo2, rr, temp_c),
            reason=reason,
            entered_in_error=entered_in_error,
            confirmed_extreme=confirmed_extreme,
        )

    # Until signing (the signed record is locked), so the screens' verdict says so before a trigger refuses.
    @use_case("acknowledge alerts", roles=CHARTING, phases=CHARTED_UNSIGNED, changes={Change.ALERTS})
    def acknowledge_alert(self, visit_id: int, vitals_id: int, action_note: str) -> Changes:
        """A clinician saw an alert reading and says what was done."""
        s = self.session
        record = store_visits.vitals_by_id(s.store, vitals_id)
        if record.visit_id != visit_id or not record.alerts:
            raise ValidationError("vitals", vitals_id, "an alert reading of this visit")
        text = clean_text("note", action_note, max_length=NOTE_MAX, required=True, label="Action taken")
        store_visits.add_acknowledgement(
            s.store, visit_id, store_visits.ALERT_SUBJECT, vitals_id, text, at=s.stamp(), actor_id=s.user.id
        )
        return Changes.visit(visit_id)

    @use_case(
        "acknowledge a protocol override", roles=PHYSICIAN_ONLY, phases=CHARTED_UNSIGNED, changes={Change.APPROVALS}
    )
    def acknowledge_override(self, visit_id: int, subject: str, reason: str, *, password: str) -> Changes:
        """A physician approves a protocol override (baseline BP, dose, discharge) in their own session.

        The password is re-entered: it opens the physician's signing key, and the approval is
        written with their digital signature (as a visit's signature is).
        """
        s = self.session

        def authenticate() -> Key:
            Accounts(s).confirm_password(password, AuditAction.REAUTHENTICATE_TO_SIGN)
            return keys.unlock(s, password)

        return write_override(s, visit_id, subject, reason, by=s.user.id, entered_by=None, authenticate=authenticate)

    # ------------------------------------------------------------------ notes, events, interventions

    @use_case(
        "write notes",
        roles=CHARTING,
        phases=NOTES_OPEN,
        refusal="notes on a closed visit are added as addenda",
        changes={Change.NOTES},
    )
    def add_note(self, visit_id: int, kind: str, text: str, *, draft_field: str | None = None) -> Changes:
        """Save a time-stamped note (nursing, dissociation, adverse event, intervention, physician).

        With ``draft_field``, the draft it was typed in is cleared in the same transaction.
        """
        s = self.session
        if kind not in NOTE_KINDS:
            raise ValidationError("kind", kind, ", ".join(NOTE_KINDS))
        body = clean_text("text", text, max_length=NOTE_MAX, required=True, label="Note")
        stamp = s.stamp()
        with s.store.transaction():
            note_id = store_visits.add_note(s.store, visit_id, kind, body, at=stamp, actor_id=s.user.id)
            if draft_field is not None:
                store_visits.save_draft(s.store, visit_id, s.user.id, draft_field, "", at=stamp)
        return Changes.visit(visit_id, created_id=note_id)

    @use_case(
        "chart adverse events",
        roles=CHARTING,
        phases=CHARTED_UNSIGNED,
        phase_action="chart an adverse event",
        changes={Change.EVENTS},
    )
    def record_adverse_event(
        self, visit_id: int, kind: str, description: str = "", onset_at: datetime | None = None
    ) -> Changes:
        """Chart an adverse event (nausea, hypertension, agitation …) with when it began."""
        s = self.session
        try:
            event_kind = AdverseEventKind(kind)
        except ValueError:
            raise ValidationError("kind", kind, ", ".join(k.label.lower() for k in AdverseEventKind)) from None
        text = validate_event_description(event_kind, description)
        onset = s.charted_time("onset_at", onset_at)
        row_id = store_visits.add_adverse_event(
            s.store, visit_id, event_kind, text, onset_at=to_utc_iso(onset), at=s.stamp(), actor_id=s.user.id
        )
        return Changes.visit(visit_id, created_id=row_id)

    @use_case(
        "chart interventions",
        roles=CHARTING,
        phases=CHARTED_UNSIGNED,
        phase_action="chart an intervention",
        changes={Change.EVENTS},
    )
    def record_intervention(
        self,
        visit_id: int,
        *,
        drug: str,
        dose: str,
        route: str,
        given_at: datetime | None = None,
        note: str = "",
        adverse_event_id: int | None = None,
    ) -> Changes:
        """Chart a medicine or measure given (drug, dose, route, time), optionally for an adverse event."""
        s = self.session
        clean_drug, clean_dose, clean_route = validate_intervention(drug, dose, route)
        text = clean_text("note", note, max_length=NOTE_MAX, required=False, label="Note")
        when = s.charted_time("given_at", given_at)
        if adverse_event_id is not None:
            detail, _ = store_visits.detail(s.store, visit_id)
            if all(e.id != adverse_event_id for e in detail.adverse_events):
                raise ValidationError("adverse_event", adverse_event_id, "an adverse event of this visit")
        row_id = store_visits.add_intervention(
            s.store,
            visit_id,
            drug=clean_drug,
            dose=clean_dose,
            route=clean_route,
            given_at=to_utc_iso(when),
            note=text,
            adverse_event_id=adverse_event_id,
            at=s.stamp(),
            actor_id=s.user.id,
        )
        return Changes.visit(visit_id, created_id=row_id)

    def save_draft(self, visit_id: int, field: str, text: str) -> None:
        """Keep what the user is typing in a note field, so an interruption loses nothing.

        A draft is scratch, not record, so it keeps what was typed as it was (the note refuses
        what deceives when it is saved); only what cannot be kept at all is refused: text
        far longer than any note, or for a visit that does not exist.
        """
        s = self.session
        if len(text) > 2 * NOTE_MAX:
            raise ValidationError("text", f"{text[:20]}…", f"a draft of at most {2 * NOTE_MAX} characters")
        s.phase(visit_id)  # a visit that does not exist is NotFound, not a broken foreign key
        store_visits.save_draft(s.store, visit_id, s.user.id, field, text, at=s.stamp())

    def draft(self, visit_id: int, field: str) -> str:
        """The user's unsaved text for a note field."""
        s = self.session
        return store_visits.draft(s.store, visit_id, s.user.id, field)

    # ------------------------------------------------------------------ sedation and dissociation

    @use_case(
        "record sedation scores",
        roles=CHARTING,
        phases=AFTER_START,
        phase_action="record sedation",
        changes={Change.SCORES},
    )
    def record_sedation(self, visit_id: int, *, moaas: int, rass: int) -> Changes:
        """Record MOAA/S and RASS together, as they are assessed together at the bedside."""
        s = self.session
        check_moaas(moaas)
        check_rass(rass)
        stamp = s.stamp()
        with s.store.transaction():
            for scale, level in ((Scale.MOAAS, moaas), (Scale.RASS, rass)):
                store_visits.add_score(
                    s.store, visit_id, scale.value, level, None, taken_at=stamp, at=stamp, actor_id=s.user.id
                )
        return Changes.visit(visit_id)

    @use_case(
        "record dissociation scores",
        roles=CHARTING,
        phases=AFTER_START,
        phase_action="record dissociation",
        changes={Change.SCORES},
    )
    def record_cadss6(self, visit_id: int, items: dict[int, int]) -> Changes:
        """Record a CADSS-6 dissociation score from its six items."""
        s = self.session
        total = cadss6_total(items)
        stamp = s.stamp()
        store_visits.add_score(
            s.store,
            visit_id,
            Scale.CADSS6.value,
            total,
            {str(k): v for k, v in items.items()},
            taken_at=stamp,
            at=stamp,
            actor_id=s.user.id,
        )
        return Changes.visit(visit_id)
