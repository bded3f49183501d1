import pytest

from corpus.document import Document, Drop
from filters.side_files import read_local
from filters.url_filter import UrlFilter, UrlFilterConfig, host_and_path, side_files
from tests.conftest import shared_data
from tokenmill.usage import UsageError


def local_filter(config: UrlFilterConfig) -> UrlFilter:
    return UrlFilter(config, read_local(side_files(config)))


@pytest.fixture
def lists(tmp_path):
    (tmp_path / "ut1" / "gambling").mkdir(parents=True)
    (tmp_path / "ut1" / "adult").mkdir(parents=True)
    (tmp_path / "ut1" / "gambling" / "domains").write_bytes(
        b"\xef\xbb\xbf# a comment\n\n  casino.example  \n.lotto.example\n")
    (tmp_path / "ut1" / "adult" / "urls").write_bytes(b"host.example/private\nn\xe9e.example/caf\xe9\n")
    (tmp_path / "words.txt").write_text("badword\n#tag\n")
    (tmp_path / "soft.txt").write_text("soft\nsofter\n")
    (tmp_path / "subwords.txt").write_text("evil thing\n")
    (tmp_path / "extra_domains").write_text("other.example\n")
    return tmp_path


@pytest.fixture
def url_filter(lists):
    return local_filter(UrlFilterConfig(
        lists=[str(lists / "ut1"), f"custom={lists / 'extra_domains'}"], categories=["gambling", "adult"],
        banned_words=str(lists / "words.txt"), soft_banned_words=str(lists / "soft.txt"),
        banned_subwords=str(lists / "subwords.txt")))


@pytest.mark.parametrize("url, expected", [
    ("https://casino.example/", Drop("url_blocklisted:gambling", "casino.example")),
    ("https://a.b.casino.example/x?y=1", Drop("url_blocklisted:gambling", "casino.example")),
    ("https://WWW.Lotto.Example:8080/", Drop("url_blocklisted:gambling", "lotto.example")),
    ("https://notcasino.example/", None),
    ("https://other.example/", Drop("url_blocklisted:custom", "other.example")),
    ("http://host.example/private/page.html", Drop("url_blocklisted:adult", "host.example/private")),
    ("http://host.example/public", None),
    ("https://site.example/a-badword-page", Drop("url_banned_word", "badword")),
    ("https://site.example/soft", None),
    ("https://site.example/soft/softer", Drop("url_soft_banned_words", "soft,softer")),
    ("https://site.example/the-evil_thing", Drop("url_banned_subword", "evilthing")),
])
def test_blocklists_parent_domains_and_words(url_filter, url, expected):
    assert url_filter.check(url) == expected


@pytest.mark.parametrize("url", ["", "not a url", "http:///no-host", "https://[::1]:99/", "http://[bad",
                                 "https://xn--bcher-kva.example/", "https://bücher.example/",
                                 "http://192.168.0.1/x", "https://site.example/" + "a/" * 50_000])
def test_invalid_and_odd_urls_have_a_defined_outcome(url_filter, url):
    assert url_filter.check(url) is None


def test_documents_without_url_pass(url_filter):
    doc = Document("d", "text", "s", url=None)
    assert url_filter(doc) is doc


def test_host_parsing():
    assert host_and_path("https://www.Example.com./a/b") == ("example.com", "/a/b")
    assert host_and_path("mailto:x@y") is None


def test_the_filter_takes_contents_never_a_path(tmp_path):
    with pytest.raises(ValueError, match="takes the contents of its lists, not their paths"):
        UrlFilter(UrlFilterConfig(lists=[str(tmp_path / "ut1")]))


def test_a_category_in_no_folder_is_a_usage_error(lists):
    with pytest.raises(UsageError, match="url_filter.categories: 'gamblin' has no domains or urls file"):
        local_filter(UrlFilterConfig(lists=[str(lists / "ut1")], categories=["adult", "gamblin"]))


def test_only_the_chosen_categories_are_carried(lists):
    (side_file,) = side_files(UrlFilterConfig(lists=[str(lists / "ut1")], categories=["gambling"]))
    assert side_file.folder and sorted(read_local([side_file])[side_file.location]) == ["gambling/domains"]


def test_real_ut1_and_hplt_lists():
    ut1 = shared_data("unsafe/ut1_blacklists/blacklists")
    hplt = shared_data("unsafe/hplt_adult_domains/hplt_adult_domains")
    url_filter = local_filter(UrlFilterConfig(lists=[str(ut1), f"adult={hplt}"], categories=["adult", "gambling"]))
    assert len(url_filter.blocklists.domains) > 30_000
    assert url_filter.check("https://www.0-casino.info/") == Drop("url_blocklisted:gambling", "0-casino.info")
    assert url_filter.check("https://en.wikipedia.org/wiki/River") is None
