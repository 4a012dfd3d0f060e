"""Labels, in the reader's language, for the codes published figures are filed under
(`ReportedMetric.metric`) and for the units they are counted in: the pages never show a raw
code such as `share_of_china_deals_in_ai_startups`.

Metrics and units are open lists (an import may bring a new one): a code without a label here
is shown as words, its underscores as spaces, until it gets one."""

from django.utils.translation import pgettext_lazy

METRIC_LABELS = {
    "share_of_china_deals_in_ai_startups": pgettext_lazy(
        "metric", "share of its China deals that went to AI startups"
    ),
    "external_investment_deals": pgettext_lazy("metric", "external investment deals"),
    "external_investment_amount": pgettext_lazy("metric", "external investment amount"),
    "aigc_unicorns_of_year_backed": pgettext_lazy(
        "metric", "AIGC and large-model unicorns of the year that it backed"
    ),
    "ai_model_products_on_market": pgettext_lazy("metric", "AI model products on the market"),
    "ai_funding_events": pgettext_lazy("metric", "AI funding deals"),
    "ai_funding_amount": pgettext_lazy("metric", "AI funding raised"),
    "ai_investment_deals": pgettext_lazy("metric", "AI investment deals"),
    "ai_investment_events": pgettext_lazy("metric", "AI investment events"),
    "ai_investment_amount": pgettext_lazy("metric", "AI investment amount"),
    "ai_financing_amount": pgettext_lazy("metric", "AI financing amount"),
    "aigc_financing_events": pgettext_lazy("metric", "AIGC financing deals"),
    "aigc_financing_amount": pgettext_lazy("metric", "AIGC financing amount"),
    "genai_private_investment": pgettext_lazy("metric", "private investment in generative AI"),
    "genai_funding_deals": pgettext_lazy("metric", "generative-AI funding deals"),
    "genai_funding_amount": pgettext_lazy("metric", "generative-AI funding amount"),
    "genai_services_filed_cumulative": pgettext_lazy(
        "metric", "generative-AI services filed, cumulative"
    ),
    "genai_services_filed_new": pgettext_lazy("metric", "generative-AI services newly filed"),
    "genai_services_filed_beijing": pgettext_lazy(
        "metric", "generative-AI services filed in Beijing"
    ),
    "genai_services_approved": pgettext_lazy("metric", "generative-AI models approved"),
    "genai_apps_registered_cumulative": pgettext_lazy(
        "metric", "generative-AI apps registered, cumulative"
    ),
    "genai_batch_models": pgettext_lazy("metric", "models in one filing batch"),
    "genai_first_batch_organisations": pgettext_lazy(
        "metric", "organisations in the first filing batch"
    ),
    "genai_first_wave_firms_reported": pgettext_lazy(
        "metric", "firms reported approved in the first wave"
    ),
    "genai_users": pgettext_lazy("metric", "generative-AI users"),
    "gpu_orders_units": pgettext_lazy("metric", "GPUs ordered"),
    "gpu_orders_value": pgettext_lazy("metric", "value of GPU orders"),
    "gpu_stock": pgettext_lazy("metric", "GPUs held"),
    "training_gpus": pgettext_lazy("metric", "GPUs used in training"),
    "llm_tender_projects": pgettext_lazy("metric", "public tenders for large models"),
    "llms_developed": pgettext_lazy("metric", "large language models developed"),
    "model_layer_financing_deals": pgettext_lazy("metric", "model-layer financing deals"),
    "model_layer_financing_amount": pgettext_lazy("metric", "model-layer financing amount"),
    "embodied_ai_financing_events": pgettext_lazy("metric", "embodied-AI financing deals"),
    "china_unicorns": pgettext_lazy("metric", "unicorns in China"),
    "china_unicorns_new": pgettext_lazy("metric", "new unicorns in China"),
    "china_ai_unicorns": pgettext_lazy("metric", "AI unicorns in China"),
    "china_ai_unicorns_new": pgettext_lazy("metric", "new AI unicorns in China"),
    "embodied_ai_financing_amount": pgettext_lazy("metric", "embodied-AI financing amount"),
    "share_of_deals_in_ai": pgettext_lazy("metric", "share of its deals in AI"),
    "share_of_deals_in_healthcare": pgettext_lazy("metric", "share of its deals in healthcare"),
    "game_investment_deals": pgettext_lazy("metric", "investment deals in games"),
    "healthcare_investment_deals": pgettext_lazy("metric", "investment deals in healthcare"),
    "investment_deals_innovative_drugs": pgettext_lazy(
        "metric", "investment deals in innovative drugs"
    ),
    "ai_unicorn_funding": pgettext_lazy("metric", "funding of AI unicorns"),
    "ai_infrastructure_budget": pgettext_lazy("metric", "AI infrastructure budget"),
    "compute_credits_in_equity_deal": pgettext_lazy("metric", "compute credits in an equity deal"),
    "cumulative_funding_six_months": pgettext_lazy("metric", "funding raised over six months"),
    "funding_raised": pgettext_lazy("metric", "funding raised"),
    "pre_ipo_rounds": pgettext_lazy("metric", "rounds before the IPO"),
    "pre_ipo_funding": pgettext_lazy("metric", "funding before the IPO"),
    "state_capital_raised": pgettext_lazy("metric", "state capital raised"),
}

# Units other than currencies (an amount in a currency is written as money).
UNIT_LABELS = {
    "percent": pgettext_lazy("unit", "%"),
    "deals": pgettext_lazy("unit", "deals"),
    "services": pgettext_lazy("unit", "services"),
    "apps/features": pgettext_lazy("unit", "apps or features"),
    "models": pgettext_lazy("unit", "models"),
    "GPUs": pgettext_lazy("unit", "GPUs"),
    "GPUs (Nvidia H800)": pgettext_lazy("unit", "GPUs (Nvidia H800)"),
    "people": pgettext_lazy("unit", "people"),
    "projects": pgettext_lazy("unit", "projects"),
    "products": pgettext_lazy("unit", "products"),
    "companies": pgettext_lazy("unit", "companies"),
    "rounds": pgettext_lazy("unit", "rounds"),
    "organisations": pgettext_lazy("unit", "organisations"),
    "firms": pgettext_lazy("unit", "firms"),
}


def metric_label(code: str) -> str:
    """`share_of_china_deals_in_ai_startups` -> 'share of its China deals that went to AI
    startups' (or its translation)."""
    label = METRIC_LABELS.get(code)
    return str(label) if label is not None else code.replace("_", " ")


def unit_label(unit: str) -> str:
    label = UNIT_LABELS.get(unit)
    return str(label) if label is not None else unit.replace("_", " ")
