"""Evidence files attached to progress reports: a PDF or an image, sanitised before storage.

Images follow the tip-photo rules exactly (`domain.tips.images.sanitise`: decoded, re-encoded
from pixels, every byte of metadata gone). A PDF is rebuilt from its pages only: the document
catalogue — JavaScript, open actions, embedded files, forms, XMP and document metadata — is
never copied, and every page loses its annotations (links, actions) and its own metadata.
What remains is what a reader sees printed on the pages.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from .tips.images import ImageRejected, sanitise

PDF_MAGIC = b"%PDF-"
MAX_PDF_PAGES = 300
# Page-level entries that can act or carry hidden data; everything else draws the page.
_PAGE_KEYS_DROPPED = ("/Annots", "/AA", "/Metadata", "/PieceInfo", "/Thumb")


class EvidenceRejected(ImageRejected):
    """Why a file was refused: `code` is one of the image codes (not_image, unsupported,
    too_many_pixels) or not_pdf, encrypted, too_many_pages."""


@dataclass(frozen=True)
class CleanFile:
    data: bytes
    content_type: str
    extension: str


def sanitise_pdf(raw: bytes) -> CleanFile:
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(raw), strict=False)
        if reader.is_encrypted:
            raise EvidenceRejected("encrypted")
        pages = list(reader.pages)
        if not pages:
            raise EvidenceRejected("not_pdf")
        if len(pages) > MAX_PDF_PAGES:
            raise EvidenceRejected("too_many_pages")
        writer = PdfWriter()
        for page in pages:
            # Dropped before copying, so the objects they point to are never written at all.
            for key in _PAGE_KEYS_DROPPED:
                if key in page:
                    del page[key]
            writer.add_page(page)
        writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
        writer.add_metadata({"/Producer": "cleanair evidence sanitiser"})
        out = io.BytesIO()
        writer.write(out)
    except EvidenceRejected:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError, RecursionError) as exc:
        raise EvidenceRejected("not_pdf") from exc
    return CleanFile(out.getvalue(), "application/pdf", "pdf")


def sanitise_evidence(raw: bytes) -> CleanFile:
    """A clean copy of a PDF or an image, or EvidenceRejected with the reason."""
    if raw.lstrip()[:5] == PDF_MAGIC:
        return sanitise_pdf(raw)
    try:
        img = sanitise(raw)
    except ImageRejected as exc:
        raise EvidenceRejected(exc.code) from exc
    return CleanFile(img.data, img.content_type, img.extension)
