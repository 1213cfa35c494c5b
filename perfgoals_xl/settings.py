"""Settings that change what the rules report (thresholds, tolerances); validated by pydantic."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Settings(BaseModel):
    """What a check is run with. Defaults follow the seed's Hunan 2026 layout."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    money_tolerance: float = 0.005  # |Δ| allowed in an amount identity, in the table's 金额单位
