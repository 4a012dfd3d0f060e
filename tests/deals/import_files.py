"""Files for import tests: a startup and two investors, a rounds header and a good round, and
a way to import a folder that checks a refusal wrote nothing."""

from pathlib import Path

from deals.importing import import_paths
from deals.models import FundingRound, Investor, Participation
from startups.models import Startup

STARTUPS = "slug,name_en,name_zh,city,is_ai\nzhipu,Zhipu AI,智谱,Beijing,true\n"
INVESTORS = (
    "slug,name_en,parent_slug\nalibaba,Alibaba Group,\nalibaba_cloud,Alibaba Cloud,alibaba\n"
)
ROUND_HEADER = (
    "startup_slug,announced_on,date_precision,round_label,amount,amount_currency,"
    "amount_qualifier,compute_credit_amount,compute_credit_currency,lead_investors,"
    "participants,source_url,confidence\n"
)
GOOD_ROUND = "zhipu,2024-05,month,Series B,100,USD,,,,alibaba,,https://a.example/1,reported\n"


def write(folder: Path, files: dict[str, str | bytes]) -> Path:
    folder.mkdir(exist_ok=True)
    for name, content in files.items():
        path = folder / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return folder


def database_state() -> tuple:
    return (
        Startup.objects.count(),
        Investor.objects.count(),
        FundingRound.objects.count(),
        Participation.objects.count(),
        FundingRound.history.count(),
    )


def problems_of(folder: Path) -> list[str]:
    before = database_state()
    report = import_paths([folder])
    assert database_state() == before, "a refused import must leave the database as it was"
    return [str(problem) for problem in report.problems]
