#!/usr/bin/env python3
"""Writes Sources/SpyglassGenAI/default-prices.json (compiled into the module as a resource): Spyglass's default LLM price table, in its own file format
(spyglass.prices/1, documented in README.md), taken from the genai-prices package (pydantic/genai-prices, MIT),
which keeps providers' published per-token prices with their effective dates.

Run with a Python that has genai-prices (the test venv does: `.venv/bin/python scripts/generate-default-prices.py`).
Models whose match rules or prices the format cannot express exactly (regular expressions, prices tiered by
prompt length, prices for other units) are left out: an unknown model records no cost rather than a wrong one.
"""
import datetime
import json
import pathlib

import genai_prices
import genai_prices.data as data

PROVIDERS = ["openai", "anthropic", "google", "groq", "mistral", "deepseek", "x-ai", "cohere", "together", "perplexity"]


def globs(clause):
    name = type(clause).__name__
    if name == "ClauseEquals":
        return [clause.equals.lower()]
    if name == "ClauseStartsWith":
        return [clause.starts_with.lower() + "*"]
    if name == "ClauseEndsWith":
        return ["*" + clause.ends_with.lower()]
    if name == "ClauseContains":
        return ["*" + clause.contains.lower() + "*"]
    if name == "ClauseOr":
        result = []
        for part in clause.or_:
            inner = globs(part)
            if inner is None:
                return None
            result += inner
        return result
    return None  # regular expressions and conjunctions


def prices(price):
    """The token prices of one ModelPrice, or None when they are tiered or not per token."""
    result = {}
    for field, key in [("input_mtok", "input"), ("output_mtok", "output"), ("cache_read_mtok", "cached_input")]:
        value = getattr(price, field, None)
        if value is None:
            continue
        if not isinstance(value, (int, float)) and type(value).__name__ != "Decimal":
            return None  # tiered by prompt length
        result[key] = float(value)
    return result if "input" in result and "output" in result else None


entries = []
for provider in data.providers:
    if provider.id not in PROVIDERS:
        continue
    for model in provider.models:
        match = globs(model.match)
        if not match:
            continue
        variants = []
        if type(model.prices).__name__ == "ModelPrice":
            variants = [(None, model.prices)]
        else:
            for conditional in model.prices:
                constraint = conditional.constraint
                if constraint is not None and type(constraint).__name__ != "StartDateConstraint":
                    variants = []
                    break
                start = constraint.start_date.isoformat() if constraint is not None else None
                variants.append((start, conditional.prices))
        for start, price in variants:
            usd = prices(price)
            if usd is None:
                continue
            entry = {"provider": provider.id, "model": model.id, "match": match}
            if start:
                entry["effective_from"] = start
            entry["usd_per_million_tokens"] = usd
            entries.append(entry)

table = {
    "format": "spyglass.prices/1",
    "source": f"genai-prices {genai_prices.__version__ if hasattr(genai_prices, '__version__') else ''} (github.com/pydantic/genai-prices, MIT), generated {datetime.date.today().isoformat()}",
    "models": entries,
}
# One model a line, so a price change reads as a one-line diff.
lines = ",\n  ".join(json.dumps(entry, separators=(", ", ": ")) for entry in entries)
text = (
    "{\n"
    f' "format": {json.dumps(table["format"])},\n'
    f' "source": {json.dumps(table["source"])},\n'
    f' "models": [\n  {lines}\n ]\n'
    "}"
)
json.loads(text)
target = pathlib.Path(__file__).resolve().parent.parent / "Sources/SpyglassGenAI/default-prices.json"
target.write_text(text + "\n")
print(f"{len(entries)} price entries written to {target}")
