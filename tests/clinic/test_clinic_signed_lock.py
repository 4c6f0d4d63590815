"""A signed visit refuses every write by the use case's own declaration, so the screens' verdicts say so first."""

from __future__ import annotations

import inspect

import ketadesk.clinic.api  # noqa: F401 (every area imported: the registry holds every use case)
from ketadesk.clinic.changes import Change
from ketadesk.clinic.usecase import UseCase
from ketadesk.core.phases import Phase
from tests.engines import BOTH_ENGINES

pytestmark = BOTH_ENGINES  # on a file and on a server's database

# Addenda are the one write a signed visit takes; the seal_* steps run only inside sign_visit and add_addendum.
AFTER_SIGNING = {"add_addendum"}


def test_every_write_to_a_visit_refuses_a_signed_one_by_its_declaration() -> None:
    """Each use case that takes a visit and changes its record names the phases it runs in, and signed is not one."""
    checked = []
    for use_case in UseCase.registry:
        parameters = list(inspect.signature(use_case.func).parameters)[1:]
        rule = use_case.rule
        if not parameters or parameters[0] != "visit_id" or not rule.changes - {Change.AUDIT}:
            continue
        if rule.name in AFTER_SIGNING:
            continue
        checked.append(rule.name)
        assert rule.visit_scoped, f"{rule.name} declares no phases: a signed visit's screen would offer it"
        refusal = rule.phase_error(Phase.SIGNED)
        assert refusal is not None and refusal.field == "phase", rule.name
    assert {"acknowledge_alert", "acknowledge_override", "approve_at_bedside", "add_note"} <= set(checked)
