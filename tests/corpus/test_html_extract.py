import pytest

from corpus.document import Document, Drop, RawPage
from corpus.html_extract import MAIN_CONTENT_FLOOR, ExtractConfig, HtmlExtractor, choose_encoding, looks_like_html
from beam_runner import main
from tests.fixtures import ARTICLE, html_page, page_record, write_warc

extract = HtmlExtractor(ExtractConfig())


def page(body, content_type="text/html", charset=None, status=200):
    return RawPage(id="p", source="s", url="https://p.test", body=body, content_type=content_type,
                   charset=charset, meta={"http_status": status})


def test_main_text_is_extracted():
    doc = extract(page(html_page()))
    assert isinstance(doc, Document) and ARTICLE in doc.text and "<p>" not in doc.text


def test_charset_from_meta_tag_when_headers_say_nothing():
    body = ('<html><head><meta charset="iso-8859-1"></head><body><p>Café crème à la française, '
            'servi chaud dans une grande tasse.</p></body></html>').encode("latin-1")
    doc = extract(page(body))
    assert "Café crème à la française" in doc.text


def test_header_charset_wins_when_known_and_falls_back_when_not():
    assert choose_encoding(b"<html></html>", "latin-1") == "cp1252"      # the WHATWG reading of latin-1
    assert choose_encoding(b"<html></html>", "shift_jis") == "shift_jis"
    assert choose_encoding("<html>Grüße</html>".encode("utf-8"), "no-such-charset") == "utf-8"


def test_drops_with_reasons():
    assert extract(page(b"\x89PNG....", "image/png")) == Drop("not_html", "image/png")
    assert extract(page(b"<html>" + bytes(300) + b"</html>")).reason == "binary_body"
    assert extract(page(b"<html><body></body></html>")).reason == "empty_after_extraction"
    assert extract(page(html_page(), status=404)) == Drop("http_status_not_ok", "404")
    assert extract(page(b"")).reason == "empty_after_extraction"


def test_html_without_content_type_is_sniffed():
    assert looks_like_html(b"  <!DOCTYPE html><html>")
    assert not looks_like_html(b"%PDF-1.4")
    assert isinstance(extract(page(html_page(), content_type="")), Document)


def test_documents_pass_through_untouched():
    doc = Document(id="d", text="already text", source="s")
    assert extract(doc) is doc


def test_trafilatura_option():
    doc = HtmlExtractor(ExtractConfig(extractor="trafilatura"))(page(html_page()))
    assert isinstance(doc, Document) and "silt from the mountains" in doc.text


SIDEBAR_ONLY = f'<html><body><div class="sidebar"><p>{ARTICLE}</p></div></body></html>'.encode()
CAPTION_AND_SIDEBAR = ("<html><body><article><p>Photo: the river.</p></article><aside>"
                       + f"<p>{ARTICLE}</p>" * 31 + "</aside></body></html>").encode()


def test_main_text_is_recorded_as_the_path_taken():
    assert extract(page(html_page())).annotations == {"extract_path": "main_content"}


def test_a_page_whose_main_content_is_empty_falls_back_instead_of_being_dropped():
    """resiliparse's main-content mode skips a sidebar: a page with text only there has no main content."""
    whole = HtmlExtractor(ExtractConfig(fallback="whole_page"))(page(SIDEBAR_ONLY))
    assert ARTICLE in whole.text and whole.annotations["extract_path"] == "whole_page"
    assert extract(page(SIDEBAR_ONLY)).annotations["extract_path"] == "whole_page"          # the default
    rescued = HtmlExtractor(ExtractConfig(fallback="trafilatura"))(page(SIDEBAR_ONLY))
    assert ARTICLE in rescued.text and rescued.annotations["extract_path"] == "trafilatura"
    assert HtmlExtractor(ExtractConfig(fallback="none"))(page(SIDEBAR_ONLY)) == Drop("empty_after_extraction")


def test_main_content_far_shorter_than_the_page_falls_back():
    short = HtmlExtractor(ExtractConfig(fallback="whole_page"))(page(CAPTION_AND_SIDEBAR))
    assert short.annotations["extract_path"] == "whole_page" and short.text.count(ARTICLE) == 31
    kept = HtmlExtractor(ExtractConfig(fallback="whole_page", fallback_ratio=0.001))(page(CAPTION_AND_SIDEBAR))
    assert kept.annotations["extract_path"] == "main_content" and kept.text.strip() == "Photo: the river."


def test_an_unknown_fallback_is_refused():
    with pytest.raises(ValueError, match="extract.fallback"):
        HtmlExtractor(ExtractConfig(fallback="guess"))


NAVIGATION = "".join(f'<li><a href="/c/{number}">Category number {number}</a></li>' for number in range(1000))
BRIEF = ("The city council voted on Tuesday to extend the opening hours of the central library. The change takes "
         "effect next month and adds two evening hours on weekdays. Funding comes from the existing culture "
         "budget, the mayor said. Readers had asked for later hours for years, and a petition last spring "
         "gathered more than three thousand names. The library will also open its reading room on Sunday "
         "afternoons during the exam season, staffed by volunteers from the university. The council plans to "
         "review the change after six months, using visitor counts and a short survey at the entrance.")
NEWS_BRIEF = (f"<html><head><title>News</title></head><body><nav><ul>{NAVIGATION}</ul></nav><main><article>"
              f"<h1>Library hours extended</h1><p>{BRIEF}</p></article></main><footer>(c) 2024</footer></body>"
              "</html>").encode()


def test_a_short_article_on_a_navigation_heavy_page_keeps_its_main_content():
    """A short news brief (about 600 characters) under 1,000 menu links is under 4% of the page's text, yet
    it is the article: main content of MAIN_CONTENT_FLOOR characters or more is kept (on a real page,
    trafilatura_cache/chineselyrics4u.com.zhineng.html, the whole page would replace an 881-character
    lyric by 31,256 characters of blog archive). Shorter main texts under a large page still fall back:
    on real pages they are mostly menu fragments (bench/extract_fallback.py, floor_sweep)."""
    doc = extract(page(NEWS_BRIEF))
    assert doc.annotations["extract_path"] == "main_content" and "Category number" not in doc.text
    assert len(BRIEF) >= MAIN_CONTENT_FLOOR


def test_a_misspelt_fallback_is_a_usage_error_that_keeps_the_previous_output(tmp_path, capsys):
    """Checked on the launcher with the config, before any output is touched: one line, exit 2."""
    warc = write_warc(tmp_path / "in.warc.gz", [page_record("https://a.test/")])
    output = tmp_path / "out"
    assert main(["run", "--input", str(warc), "--output", str(output)]) == 0
    manifest = (output / "manifest.json").read_bytes()
    capsys.readouterr()
    assert main(["run", "--input", str(warc), "--output", str(output), "--set", "extract.fallback=whole-page"]) == 2
    err = capsys.readouterr().err
    assert "extract.fallback" in err and err.count("\n") == 1
    assert (output / "manifest.json").read_bytes() == manifest
