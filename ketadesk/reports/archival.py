"""What makes a report an archival PDF (PDF/A-2b): its metadata as XMP, an sRGB output intent, a real date.

A visit record outlives the program, so every report declares itself PDF/A-2b (ISO
19005-2, level B: the pages look the same forever): an XMP packet that repeats the
document information (title, author, subject, keywords, tools, dates) and names the
part and conformance; an output intent carrying the sRGB profile the colours are in;
every font embedded (the fonts module registers only embedded TrueType fonts); no
transparency. reportlab writes none of this itself, but lets the catalogue take it.

The file's CreationDate is the record's own moment — the signature's time, or for a
draft the latest entry it shows — in UTC, so the same record gives the same bytes on
every workstation and in every time zone (reportlab's invariant mode fixes the rest).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from importlib import resources
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.utils import TimeStamp
from reportlab.pdfbase.pdfdoc import XMP, PDFArray, PDFCatalog, PDFDictionary, PDFName, PDFStream, PDFString

PDFA_PART = 2
PDFA_CONFORMANCE = "B"
OUTPUT_CONDITION = "sRGB IEC61966-2.1"
PROFILE_FILE = "sRGB.icc"
ARCHIVAL_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
"""The creation date of a report built without a moment of its own (reportlab's invariant date)."""


def srgb_profile() -> bytes:
    """The sRGB ICC profile shipped in the package (``tools/make_srgb_profile.py`` made it)."""
    return resources.files("ketadesk.resources").joinpath(PROFILE_FILE).read_bytes()


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def xmp_packet(*, title: str, author: str, subject: str, keywords: str, creator: str, producer: str,
               created: datetime) -> str:  # fmt: skip
    """The XMP metadata: the same values as the document information dictionary, and the PDF/A claim."""
    when = _iso(created)
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
        ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        '  <rdf:Description rdf:about=""\n'
        '    xmlns:dc="http://purl.org/dc/elements/1.1/"\n'
        '    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"\n'
        '    xmlns:xmp="http://ns.adobe.com/xap/1.0/"\n'
        '    xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">\n'
        f'   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(title)}</rdf:li></rdf:Alt></dc:title>\n'
        f"   <dc:creator><rdf:Seq><rdf:li>{escape(author)}</rdf:li></rdf:Seq></dc:creator>\n"
        "   <dc:description><rdf:Alt>"
        f'<rdf:li xml:lang="x-default">{escape(subject)}</rdf:li></rdf:Alt></dc:description>\n'
        "   <dc:format>application/pdf</dc:format>\n"
        f"   <pdf:Keywords>{escape(keywords)}</pdf:Keywords>\n"
        f"   <pdf:Producer>{escape(producer)}</pdf:Producer>\n"
        "   <pdf:Trapped>False</pdf:Trapped>\n"
        f"   <xmp:CreatorTool>{escape(creator)}</xmp:CreatorTool>\n"
        f"   <xmp:CreateDate>{when}</xmp:CreateDate>\n"
        f"   <xmp:ModifyDate>{when}</xmp:ModifyDate>\n"
        f"   <xmp:MetadataDate>{when}</xmp:MetadataDate>\n"
        f"   <pdfaid:part>{PDFA_PART}</pdfaid:part>\n"
        f"   <pdfaid:conformance>{PDFA_CONFORMANCE}</pdfaid:conformance>\n"
        "  </rdf:Description>\n"
        " </rdf:RDF>\n"
        "</x:xmpmeta>\n"
        '<?xpacket end="w"?>'
    )


class _PlainXMP(XMP):
    """The metadata stream, never compressed: PDF/A wants the XMP readable without a PDF library."""

    def format(self, document: Any) -> bytes:
        """Format with the default filters set aside (with ``filters=[]`` reportlab writes ``/Filter []``)."""
        saved = document.defaultStreamFilters
        document.defaultStreamFilters = None
        try:
            return bytes(super().format(document))
        finally:
            document.defaultStreamFilters = saved


def _stamp(created: datetime) -> TimeStamp:
    """reportlab's document time stamp, set to ``created`` (UTC) instead of the invariant 2000-01-01."""
    stamp = TimeStamp(invariant=True)
    seconds = created.astimezone(UTC).timestamp()
    stamp.t = seconds
    stamp.lt = time.gmtime(seconds)
    stamp.YMDhms = tuple(stamp.lt)[:6]
    stamp.dhh = stamp.dmm = 0
    return stamp


def make_archival(canvas: Any, *, keywords: str, created: datetime) -> None:
    """Give the canvas's document its XMP metadata, its sRGB output intent and its creation date.

    Called once, before the first page is written; ``canvas`` is a reportlab Canvas (its
    ``_doc`` is reportlab's own document object, which its stubs leave untyped).
    """
    doc = canvas._doc
    doc._timeStamp = _stamp(created)
    info = doc.info
    packet = xmp_packet(
        title=info.title,
        author=info.author,
        subject=info.subject,
        keywords=keywords,
        creator=info.creator,
        producer=info.producer,
        created=created,
    )
    metadata = _PlainXMP(creator=lambda _doc: packet.encode("utf-8"))
    canvas.setCatalogEntry("Metadata", metadata)
    profile = doc.Reference(PDFStream(PDFDictionary({"N": 3}), srgb_profile()))
    intent = PDFDictionary(
        {
            "Type": PDFName("OutputIntent"),
            "S": PDFName("GTS_PDFA1"),
            "OutputConditionIdentifier": PDFString(OUTPUT_CONDITION),
            "Info": PDFString(OUTPUT_CONDITION),
            "DestOutputProfile": profile,
        }
    )
    catalog = doc.Catalog
    # The catalogue writes only the keys it lists; this one lists the output intents too.
    catalog.__NoDefault__ = [*PDFCatalog.__NoDefault__, "OutputIntents"]
    canvas.setCatalogEntry("OutputIntents", PDFArray([intent]))
