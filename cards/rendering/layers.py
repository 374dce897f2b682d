"""Stacking of a batch's static layer under its data pages, with pypdf.

Most of a card (bands, emblem, labels, the instructions on the back) is the
same on every card of a batch. It is rendered once, turned into a PDF form
XObject, and every data page draws it first by reference. Nothing is parsed
or rewritten in the data pages' content streams: each page gets one small
extra content stream in front of its own, which is why stacking costs
almost nothing per page and the file holds the static drawing only once.
"""

from io import BytesIO
from typing import BinaryIO

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    PdfObject,
    StreamObject,
    TextStringObject,
)


class LayerStack:
    """A PDF under construction whose pages each lie on one static page."""

    def __init__(self, static_pdf: bytes) -> None:
        self._writer = PdfWriter()
        self._static = PdfReader(BytesIO(static_pdf))
        self._forms: dict[int, tuple[NameObject, IndirectObject, IndirectObject]] = {}

    @property
    def page_count(self) -> int:
        return len(self._writer.pages)

    def add(self, data_page: PageObject, static_index: int) -> None:
        """Append ``data_page`` drawn over static page ``static_index``."""
        name, form, call = self._form(static_index)
        page = self._writer.add_page(data_page)

        # WeasyPrint shares one resources dictionary between the pages of a
        # document, so a name added here serves the whole chunk; the names
        # differ per static page, so pages of either kind can share it.
        resources = _dictionary(page["/Resources"])
        if "/XObject" not in resources:
            resources[NameObject("/XObject")] = DictionaryObject()
        _dictionary(resources["/XObject"])[name] = form

        contents = page.raw_get("/Contents")
        if isinstance(contents, ArrayObject):
            page[NameObject("/Contents")] = ArrayObject([call, *contents])
        else:
            page[NameObject("/Contents")] = ArrayObject([call, contents])

    def write(self, out: BinaryIO, title: str) -> None:
        self._writer.add_metadata({"/Title": TextStringObject(title)})
        self._writer.write(out)

    def _form(self, index: int) -> tuple[NameObject, IndirectObject, IndirectObject]:
        if index in self._forms:
            return self._forms[index]

        page = self._static.pages[index]
        contents = page["/Contents"].get_object()
        if isinstance(contents, ArrayObject):
            data = b"\n".join(_stream(part).get_data() for part in contents)
        else:
            data = _stream(contents).get_data()

        resources = _dictionary(page["/Resources"]).clone(self._writer)
        form = DecodedStreamObject()
        form.set_data(data)
        form.update(
            {
                NameObject("/Type"): NameObject("/XObject"),
                NameObject("/Subtype"): NameObject("/Form"),
                NameObject("/BBox"): ArrayObject(page.mediabox),
                NameObject("/Resources"): resources.indirect_reference or resources,
            }
        )
        name = NameObject(f"/KbpStatic{index}")
        call = DecodedStreamObject()
        call.set_data(b"q %s Do Q\n" % name.encode())

        # pypdf has no public call to register a new indirect object; both
        # streams are referenced from many pages and must be indirect.
        registered = (
            name,
            self._writer._add_object(_compressed(form)),
            self._writer._add_object(call),
        )
        self._forms[index] = registered
        return registered


def _compressed(stream: DecodedStreamObject) -> StreamObject:
    return stream.flate_encode()


def _dictionary(value: PdfObject | None) -> DictionaryObject:
    resolved = value.get_object() if value is not None else None
    if not isinstance(resolved, DictionaryObject):
        raise TypeError(f"expected a PDF dictionary, found {type(resolved)}")
    return resolved


def _stream(value: PdfObject | None) -> StreamObject:
    resolved = value.get_object() if value is not None else None
    if not isinstance(resolved, StreamObject):
        raise TypeError(f"expected a PDF stream, found {type(resolved)}")
    return resolved
