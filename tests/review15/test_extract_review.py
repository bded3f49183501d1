"""Review of issue 15 (extraction fallback): option checking, and legitimately short main content."""
from beam_runner import main
from corpus.document import RawPage
from corpus.html_extract import ExtractConfig, HtmlExtractor
from tests.fixtures import page_record, write_warc

NAVIGATION = "".join(f'<li><a href="/c/{number}">Category number {number}</a></li>' for number in range(400))
BRIEF = ("The city council voted on Tuesday to extend the opening hours of the central library. The change takes "
         "effect next month and adds two evening hours on weekdays. Funding comes from the existing culture "
         "budget, the mayor said.")
NEWS_BRIEF = (f"<html><head><title>News</title></head><body><nav><ul>{NAVIGATION}</ul></nav><main><article>"
              f"<h1>Library hours extended</h1><p>{BRIEF}</p></article></main><footer>(c) 2024</footer></body>"
              "</html>").encode()


def test_a_misspelt_fallback_is_a_usage_error_that_keeps_the_previous_output(tmp_path, capsys):
    """STANDARDS: every option is checked before any output is touched, one line, exit 2. extract.fallback
    is checked only in HtmlExtractor.__init__, on the workers, after _clear_previous_outputs: a traceback,
    exit 1, and the previous complete output is gone."""
    warc = write_warc(tmp_path / "in.warc.gz", [page_record("https://a.test/")])
    output = tmp_path / "out"
    assert main(["run", "--input", str(warc), "--output", str(output)]) == 0
    manifest = (output / "manifest.json").read_bytes()
    capsys.readouterr()
    assert main(["run", "--input", str(warc), "--output", str(output), "--set", "extract.fallback=whole-page"]) == 2
    err = capsys.readouterr().err
    assert "extract.fallback" in err and err.count("\n") == 1
    assert (output / "manifest.json").read_bytes() == manifest


def test_a_short_article_on_a_navigation_heavy_page_keeps_its_main_content():
    """A 3-sentence news brief under 400 menu links: resiliparse finds the brief (248 characters), which is
    under 4% of the page's text, so the default fallback replaces it by 9,700 characters of menu. The same
    happens on a real page: trafilatura_cache/chineselyrics4u.com.zhineng.html (the 881-character lyric,
    which trafilatura also finds, becomes 31,256 characters, mostly a blog archive '► July (23)')."""
    doc = HtmlExtractor(ExtractConfig())(RawPage(id="p", source="s", url="https://p.test", body=NEWS_BRIEF,
                                                 content_type="text/html", charset=None,
                                                 meta={"http_status": 200}))
    assert doc.annotations["extract_path"] == "main_content" and "Category number" not in doc.text
