import pytest

from corpus.document import Document, Drop, RawPage
from corpus.html_extract import ExtractConfig, HtmlExtractor, choose_encoding, looks_like_html
from tests.fixtures import ARTICLE, html_page

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
