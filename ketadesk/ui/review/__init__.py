"""The physician's review: the whole visit on one page, its signature and addenda, the worklist and the PDF preview.

The screen (:mod:`.screen`) composes one part per box of the page; the sign and addendum
dialogs write through the clinic; the worklist lists what waits for a signature.
"""
