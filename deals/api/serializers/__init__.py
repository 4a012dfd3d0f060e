from .base import RecordSerializer
from .companies import ModelProductSerializer, SourceSerializer, StartupSerializer
from .deals import (
    ComputeDealSerializer,
    FundingRoundSerializer,
    InvestorSerializer,
    ParticipationSerializer,
    ValuationMarkSerializer,
)
from .published import FxRateSerializer, ReportedMetricSerializer

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
