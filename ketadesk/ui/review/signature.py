"""The physician's signature under the record (or that it is not signed yet), and the signed addenda after it."""

from __future__ import annotations

from ketadesk.core.phases import Phase
from ketadesk.core.records import VisitDetail
from ketadesk.core.signing import Addendum, Signature
from ketadesk.ui.kit.colours import CAUTION_STYLE, MUTED_STYLE
from ketadesk.ui.kit.lines import OK_STYLE
from ketadesk.ui.kit.names import NameBook
from ketadesk.ui.kit.times import local_datetime
from ketadesk.ui.review.page import Box, Entry, EntryList, text

NOT_SIGNED = "NOT SIGNED — awaiting a physician's signature"


class SignatureBox(Box):
    """The signature's manifestation and the fingerprint of what it covers."""

    def __init__(self) -> None:
        super().__init__("review_signature_box", "Physician's signature")
        self.signature = text("review_signature", bold=True)
        self.column.addWidget(self.signature)
        self.detail = text("review_signature_detail", style=MUTED_STYLE)
        self.column.addWidget(self.detail)

    def draw(self, detail: VisitDetail, signature: Signature | None) -> None:
        """Show the signature, or that the visit waits for one."""
        if signature is not None:
            self.signature.setText(signature.manifestation)
            self.signature.setStyleSheet(OK_STYLE)
            self.detail.setText(
                f"SHA-256 of the signed record: {signature.content_hash}\n"
                "The visit is locked; anything added later is an addendum below."
            )
            self.detail.setVisible(True)
            return
        self.signature.setText(NOT_SIGNED)
        self.signature.setStyleSheet(CAUTION_STYLE)
        self.detail.setText(
            "" if detail.summary.phase is Phase.DISCHARGED else "A physician can sign once the patient is discharged."
        )
        self.detail.setVisible(bool(self.detail.text()))


class AddendaBox(Box):
    """Each addendum in order: author and time, the text and its reason, the author's own signature."""

    def __init__(self, names: NameBook) -> None:
        super().__init__("review_addenda_box", "Addenda")
        self.names = names
        self.addenda = EntryList("review_addenda", "No addenda.")
        self.column.addWidget(self.addenda)

    def draw(self, addenda: list[Addendum]) -> None:
        """Show the addenda, numbered."""
        entries = []
        for number, addendum in enumerate(addenda, start=1):
            signed = addendum.signature.manifestation if addendum.signature is not None else "NOT SIGNED"
            entries.append(
                Entry(
                    f"Addendum {number} — {local_datetime(addendum.at)} by {self.names.name(addendum.by)}",
                    f"{addendum.text}\nReason for the addendum: {addendum.reason}",
                    signed=signed,
                )
            )
        self.addenda.show_entries(entries)
