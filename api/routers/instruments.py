"""`/instruments`: instruments and editions, with the activities feeding each edition."""

from __future__ import annotations

from fastapi import APIRouter

from wcokg.api.models import Instrument, InstrumentRef
from wcokg.api.problems import Problem
from wcokg.api.services.catalog import instrument_ref
from wcokg.api.services.web import SnapshotDep

router = APIRouter(tags=["Instruments"])
NOT_FOUND = {
    404: {"description": "Unknown instrument", "content": {"application/problem+json": {}}}
}


@router.get("/instruments", summary="Instruments and editions", response_model=list[InstrumentRef])
def list_instruments(snap: SnapshotDep) -> list[InstrumentRef]:
    return [instrument_ref(i) for i in snap.instruments.values()]


@router.get(
    "/instruments/{instrument_id}",
    summary="One instrument: editions, parts, and the activities feeding each edition",
    response_model=Instrument,
    responses=NOT_FOUND,  # type: ignore[arg-type]
)
def get_instrument(instrument_id: str, snap: SnapshotDep) -> Instrument:
    found = snap.instruments.get(instrument_id)
    if found is None:
        raise Problem(404, "Not Found", f"no instrument with id {instrument_id!r}")
    return found
