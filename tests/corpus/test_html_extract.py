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
    assert choose_encoding(b"<html></html>", "latin-1") == "iso8859-1"
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
