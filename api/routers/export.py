"""`/export/{format}`: the exports of `wcokg export`, with their media types, as downloads."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from wcokg.api.deps import StoreDep
from wcokg.api.problems import Problem
from wcokg.errors import QueryError
from wcokg.export import FORMATS, export, file_stem, get_format, jsonld_context
from wcokg.export.guard import ExportRefusedError

router = APIRouter()


@router.get(
    "/export/{fmt}",
    summary=f"The graph exported in a partner standard or the whole graph ({', '.join(FORMATS)})",
    response_class=Response,
)
def export_format(
    fmt: str,
    store: StoreDep,
    start: Annotated[
        str | None,
        Query(alias="from", description="docx: earlier revision whose differences are tracked"),
    ] = None,
    to: Annotated[
        str | None,
        Query(
            description="docx: the revision written (default: the newest, the draft included, "
            "tracked against the one before)"
        ),
    ] = None,
) -> Response:
    try:
        chosen = get_format(fmt)
    except QueryError as error:
        raise Problem(404, "Unknown export format", str(error)) from None
    try:
        body = export(store, fmt, start, to)
    except ExportRefusedError as error:
        raise Problem(409, "Export refused", str(error)) from None
    headers = {
        "Content-Disposition": f'attachment; filename="{file_stem(store)}.{chosen.extension}"'
    }
    if fmt == "csv":  # where the CSVW metadata is (CSVW locating metadata: Link header)
        headers["Link"] = '</export/csvw>; rel="describedby"; type="application/csvm+json"'
    return Response(content=body, media_type=chosen.media_type, headers=headers)


@router.get(
    "/context.jsonld",
    summary="The JSON-LD @context of the whole-graph JSON-LD export",
    response_class=Response,
)
def context() -> Response:
    import json

    return Response(
        content=json.dumps(jsonld_context(), indent=2), media_type="application/ld+json"
    )
