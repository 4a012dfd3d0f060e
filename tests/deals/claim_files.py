"""Files for the claims import tests: a round with a stake, a valuation mark and a compute
deal, their sources (a copy and a filing), and claims.csv rows about each."""

from pathlib import Path

from deals.claim_models import Claim
from deals.importing import import_paths
from tests.deals.import_files import INVESTORS, STARTUPS, database_state, write

COPY = "https://copy.example/zhipu"
FILING = "https://filing.example/zhipu-prospectus"
SOURCES = (
    "url,publisher,title,published_on,kind,original_publisher,notes\n"
    f"{COPY},Copy Daily,Zhipu raises,2024-05-20,syndicated,Bloomberg,\n"
    f"{FILING},HKEX,Zhipu prospectus,2025-12-30,filing,,\n"
)
ROUNDS = (
    "startup_slug,announced_on,date_precision,round_label,amount,amount_currency,"
    "amount_qualifier,lead_investors,participants,source_url,confidence\n"
    f"zhipu,2024-05,month,Series B,400000000,USD,at_least,alibaba,,{COPY},reported\n"
)
PARTICIPATIONS = (
    "startup_slug,announced_on,round_label,investor_slug,is_lead,stake_percent,source_url\n"
    f"zhipu,2024-05,Series B,alibaba,true,5,{COPY}\n"
)
VALUATIONS = (
    "startup_slug,valued_on,date_precision,value,currency,value_qualifier,kind,source_url\n"
    f"zhipu,2024-05,month,40000000000,CNY,exact,press_report,{COPY}\n"
)
COMPUTE = (
    "startup_slug,buyer,kind,chip,quantity,quantity_qualifier,provider,announced_on,source_url\n"
    f"zhipu,,chip_purchase,H20,10000,approx,Nvidia,2024-06,{COPY}\n"
)
CLAIM_HEADER = (
    "record,startup_slug,announced_on,round_label,investor_slug,valued_on,kind,buyer,chip,"
    "provider,field,value,currency,qualifier,as_of,reported_on,source_url,confidence,"
    "accepted,notes\n"
)
ROUND_CLAIM = (
    f"round,zhipu,2024-05,Series B,,,,,,,amount,380000000,USD,exact,2024-05,2025-12-30,{FILING},"
    "confirmed,,Table of the prospectus\n"
)
STAKE_CLAIM = (
    f"participation,zhipu,2024-05,Series B,alibaba,,,,,,stake_percent,4.8,,,,,{FILING},,,\n"
)
VALUATION_CLAIM = (
    f"valuation,zhipu,,,,2024-05,press_report,,,,value,24400000000,CNY,,,,{FILING},,true,"
    "The prospectus states it\n"
)
COMPUTE_CLAIM = (
    f"compute,zhipu,2024-06,,,,chip_purchase,,H20,Nvidia,quantity,12000,,,,,{FILING},,,\n"
)
CLAIMS = CLAIM_HEADER + ROUND_CLAIM + STAKE_CLAIM + VALUATION_CLAIM + COMPUTE_CLAIM
RECORD_FILES = {
    "sources.csv": SOURCES,
    "startups.csv": STARTUPS,
    "investors.csv": INVESTORS,
    "rounds.csv": ROUNDS,
    "participations.csv": PARTICIPATIONS,
    "valuations.csv": VALUATIONS,
    "compute.csv": COMPUTE,
}


def import_records(folder: Path) -> None:
    report = import_paths([write(folder, RECORD_FILES)])
    assert report.ok, report.problems


def claims_stored() -> list[tuple]:
    return sorted(
        Claim.objects.values_list(
            "field", "source__url", "value", "currency", "qualifier", "accepted"
        ).order_by()
    )


def refused(folder: Path) -> list[str]:
    """The problems of importing `folder`, checking that nothing at all was written."""
    before = (database_state(), claims_stored())
    report = import_paths([folder])
    assert (database_state(), claims_stored()) == before, "a refused import wrote something"
    return [str(problem) for problem in report.problems]
