"""One language at a time: one rendered report per notebook in each language holds no sentence of
the other language's message tables, declares its language and carries its real title.

The message tables are every ``{key: (vi, en)}`` dictionary of the package; a "sentence" is a fixed
part of a message (between its ``{placeholders}``) of at least two words that differs between the two
languages. Names (units, catalogue) and official terms are data, not messages, so they never count.
"""

from __future__ import annotations

import html
import importlib
import pkgutil
import re
from pathlib import Path

import pytest

import ntm_analysis
from ntm_analysis.report import batch, write_context_cache

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
NOTEBOOKS = ("commune_report", "village_map", "trends", "parent_overview", "commune_plan")


def message_pairs() -> list[tuple[str, str]]:
    """Every (vi, en) pair of every module-level message table of the package."""
    pairs = []
    for info in pkgutil.walk_packages(ntm_analysis.__path__, "ntm_analysis."):
        if info.name.endswith(("__main__", ".generate", ".geometry")):
            continue
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if isinstance(value, dict) and value and all(
                    isinstance(v, tuple) and len(v) == 2 and all(isinstance(x, str) for x in v) for v in value.values()):
                pairs += list(value.values())
    return pairs


def fragments(text: str, other: str) -> set[str]:
    """Fixed parts of a message template with two words or more that the other language's version lacks."""
    out = set()
    for part in re.split(r"\{[^}]*\}", text):
        part = part.strip(" .,;:()«»'\"-—/|*\n")
        if len(part.split()) >= 2 and len(part) >= 10 and re.search(r"[^\W\d_]", part) and part not in other:
            out.add(part)
    return out


def page_text(page: str) -> str:
    """The visible text of an HTML page (no style, script or tags), whitespace collapsed."""
    page = re.sub(r"<(style|script)\b.*?</\1>", " ", page, flags=re.S | re.I)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """Tân Lập's reports and Bắc Sơn district's overview for 2024, in Vietnamese and in English."""
    from ntm_analysis.catalogue.model import load_catalogue
    from ntm_analysis.io.dataset import load_dataset

    out = tmp_path_factory.mktemp("reports")
    data = load_dataset(SAMPLE)
    cat = load_catalogue(data.meta.get("catalogue"))
    cache = write_context_cache(SAMPLE, None, out, data=data, cat=cat)
    jobs = []
    for lang in ("vi", "en"):
        for job in batch.plan_jobs(SAMPLE, 2024, ["Tân Lập"], notebooks=list(NOTEBOOKS), out_dir=out / lang,
                                   lang=lang, data=data):
            jobs.append(batch.ReportJob(job.notebook, job.code, job.name, job.year,
                                        job.parameters | {"context_cache": str(cache)}, job.out_dir))
    results = batch.run_batch(jobs, workers=2, progress=False)
    cache.unlink()
    failed = [f"{r.job.notebook} {r.job.parameters['lang']}: {r.error}" for r in results if not r.ok]
    assert not failed, failed
    return {(r.job.notebook, r.job.parameters["lang"]): r.html.read_text(encoding="utf-8") for r in results}


@pytest.mark.slow  # renders notebooks with papermill
@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_report_has_no_sentence_of_the_other_language(rendered, notebook, lang):
    text = page_text(rendered[(notebook, lang)])
    other = 1 if lang == "vi" else 0
    foreign = set()
    for pair in message_pairs():
        if pair[0] != pair[1]:
            foreign |= fragments(pair[other], pair[1 - other])
    found = sorted(f for f in foreign if f in text)
    assert not found, f"{notebook} ({lang}) holds text of the other language: {found}"


@pytest.mark.slow  # renders notebooks with papermill
@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_report_declares_its_language_title_and_figure_captions(rendered, notebook, lang):
    page = rendered[(notebook, lang)]
    assert f'<html lang="{lang}">' in page
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1).strip()
    assert title and title != "Notebook"
    assert html.unescape(title) in page_text(page)  # the title shown on the page
    assert "No description has been provided" not in page
    if "<img" in page:  # every figure has a caption (the draft plan has none)
        assert page.count("<figcaption>") == page.count("<img")


def test_message_fragments_of_a_known_pair_are_found():
    """The test above can fail: a Vietnamese message's fixed text is a fragment to look for."""
    assert "không có dữ liệu" in fragments("{tier}: không có dữ liệu", "{tier}: no data")
