from .base import RecordSerializer
from .companies import ModelProductSerializer, SourceSerializer, StartupSerializer
from .deals import (
    ComputeDealSerializer,
    FundingRoundSerializer,
    FxRateSerializer,
    InvestorSerializer,
    ParticipationSerializer,
    ReportedMetricSerializer,
    ValuationMarkSerializer,
)

__all__ = [
    "ComputeDealSerializer",
    "FundingRoundSerializer",
    "FxRateSerializer",
    "InvestorSerializer",
    "ModelProductSerializer",
    "ParticipationSerializer",
    "RecordSerializer",
    "ReportedMetricSerializer",
    "SourceSerializer",
    "StartupSerializer",
    "ValuationMarkSerializer",
]
