"""One PDF per document out of a chunk's PDF, cut from WeasyPrint's objects before they are written.

A chunk of documents is laid out and drawn once (documents/rendering.py). Each document's PDF
is then its pages and the objects they reach (content streams, fonts, images), written with
the chunk's own object numbers: each object is serialized once for the whole chunk and only
copied into the files that use it.

WeasyPrint gives every page of a file one shared resource dictionary, which names every image
of the chunk. Each document gets its own copy naming only the images, patterns and shadings
its pages draw, so no document carries another's QR code. Its catalog and page tree are its
own; the chunk's named destinations and outline, which point at other documents, are left out.
"""

import re
import zlib
from collections.abc import Iterable, Sequence

import pydyf

_HEADER = b"%PDF-1.7\n%\xf0\x9f\x96\xa4\n"
_REFERENCE = re.compile(rb"(\d+) 0 R\b")
_NAME = re.compile(rb"/([^\s/\[\]<>(){}%]+)")
# The kinds of resource drawn by name from a content stream, which differ from page to page.
_DRAWN = ("XObject", "Pattern", "Shading")


def cut_documents(pdf: pydyf.PDF, page_groups: Sequence[Sequence[int]]) -> list[bytes]:
    """One complete PDF for each group of page indexes of ``pdf``, in the order given.

    ``pdf`` is WeasyPrint's PDF before it is written (a ``finisher`` gets it). Its streams are
    compressed here, once, so the chunk's own file, written afterwards, does not compress
    them again.
    """
    objects = {obj.number: obj for obj in pdf.objects if obj.free != "f"}
    page_numbers = pdf.pages["Kids"][::3]
    drawn = {number: _names_drawn(objects[number], objects) for number in page_numbers}
    _compress_once(pdf)
    written = {number: obj.indirect for number, obj in objects.items()}
    links = {number: _references(obj) for number, obj in objects.items()}
    info_number = len(pdf.objects)
    catalog = {"Type": "/Catalog", "Pages": pdf.pages.reference}
    if "Lang" in pdf.catalog:
        catalog["Lang"] = pdf.catalog["Lang"]
    documents = []
    for group in page_groups:
        pages = [page_numbers[index] for index in group]
        own = {
            pdf.pages.number: _indirect(
                pdf.pages.number,
                pydyf.Dictionary(
                    {
                        "Type": "/Pages",
                        "Kids": pydyf.Array([item for page in pages for item in (page, 0, "R")]),
                        "Count": len(pages),
                    }
                ),
            ),
            pdf.catalog.number: _indirect(pdf.catalog.number, pydyf.Dictionary(catalog)),
        }
        names = set().union(*(drawn[page] for page in pages))
        own_links = {}
        for number in {_number(objects[page]["Resources"]) for page in pages}:
            resources = _only_drawn(objects[number], names)
            own[number] = _indirect(number, resources)
            own_links[number] = _references(resources)
        # Never followed: the chunk's page tree and catalog (every page) and other pages.
        barriers = {pdf.pages.number, pdf.catalog.number, *page_numbers} - set(pages)
        reached = _reach(pages, {**links, **own_links}, barriers)
        if pdf.info:
            own[info_number] = _indirect(info_number, pdf.info)
        kept = {number: written[number] for number in reached if number not in own}
        documents.append(_file({**kept, **own}, pdf.catalog.number, info_number))
    return documents


def _bytes(item) -> bytes:
    """An item of a pydyf stream or dictionary as pydyf writes it."""
    return pydyf._to_bytes(item)


def _content(stream: pydyf.Stream) -> bytes:
    """A stream's content as pydyf writes it, before any compression."""
    return b"\n".join(_bytes(item) for item in stream.stream)


def _number(reference) -> int:
    return int(_REFERENCE.match(_bytes(reference)).group(1))


def _names_drawn(page: pydyf.Dictionary, objects: dict) -> set[bytes]:
    """Every name the page's content uses. (The forms it draws, such as transparency groups,
    have resource dictionaries of their own.)"""
    return set(_NAME.findall(_content(objects[_number(page["Contents"])])))


def _only_drawn(resources: pydyf.Dictionary, names: set[bytes]) -> pydyf.Dictionary:
    """A copy of a resource dictionary whose drawn resources are only those in ``names``."""
    copy = pydyf.Dictionary(resources)
    for kind in _DRAWN:
        if kind in resources:
            copy[kind] = pydyf.Dictionary(
                {
                    key: value
                    for key, value in resources[kind].items()
                    if key.encode("latin-1") in names
                }
            )
    return copy


def _compress_once(pdf: pydyf.PDF) -> None:
    """Deflate now each stream pydyf would deflate each time it serializes it."""
    for obj in pdf.objects:
        if isinstance(obj, pydyf.Stream) and obj.compress and "Filter" not in obj.extra:
            compressor = zlib.compressobj(level=9)
            obj.stream = [compressor.compress(_content(obj)) + compressor.flush()]
            obj.extra["Filter"] = "/FlateDecode"
            obj.compress = False


def _references(obj) -> set[int]:
    """The numbers of the objects ``obj`` refers to (a stream's dictionary only: its content
    holds no references)."""
    head = pydyf.Dictionary(obj.extra).data if isinstance(obj, pydyf.Stream) else obj.data
    return {int(number) for number in _REFERENCE.findall(head)}


def _reach(start: Iterable[int], links: dict[int, set[int]], barriers: set[int]) -> set[int]:
    reached, pending = set(), list(start)
    while pending:
        number = pending.pop()
        if number in reached or number in barriers or number not in links:
            continue
        reached.add(number)
        pending.extend(links[number])
    return reached


def _indirect(number: int, obj: pydyf.Object) -> bytes:
    return b"%d 0 obj\n%s\nendobj" % (number, obj.data)


def _file(objects: dict[int, bytes], catalog: int, info: int) -> bytes:
    """A classic PDF file of ``objects`` (number: serialized object), the other numbers free.

    The cross-reference table lists runs of consecutive numbers only, so a document that
    keeps 40 of a chunk's 900 objects does not carry 860 free entries.
    """
    parts, offsets, position = [_HEADER], {}, len(_HEADER)
    for number in sorted(objects):
        offsets[number] = position
        parts.append(objects[number] + b"\n")
        position += len(objects[number]) + 1
    parts.append(b"xref\n0 1\n0000000000 65535 f \n")
    numbers = sorted(offsets)
    start = 0
    for index in range(1, len(numbers) + 1):
        if index == len(numbers) or numbers[index] != numbers[index - 1] + 1:
            run = numbers[start:index]
            parts.append(b"%d %d\n" % (run[0], len(run)))
            parts.extend(b"%010d 00000 n \n" % offsets[number] for number in run)
            start = index
    trailer = b"/Size %d /Root %d 0 R" % (numbers[-1] + 1, catalog)
    if info in objects:
        trailer += b" /Info %d 0 R" % info
    parts.append(b"trailer\n<<%s>>\nstartxref\n%d\n%%%%EOF\n" % (trailer, position))
    return b"".join(parts)
