"""Real Common Crawl, ClueWeb and Wayback archives from ../shared/data/web: every record is read."""
import collections

import pytest

from corpus.document import ErrorRecord
from corpus.warc_reader import read_archive
from tests.conftest import shared_data

# Document-bearing records (response, resource, conversion) per file, counted
# independently with grep on the decompressed files.
EXPECTED_RECORDS = {
    "cc_format_samples/whirlwind__whirlwind.warc.gz": 1,
    "cc_format_samples/whirlwind__whirlwind.warc.wet.gz": 1,
    "cc_format_samples/whirlwind__whirlwind.warc.wat.gz": 0,
    "copycat_cc_arc/clueweb09-sample-en0000-00.warc.gz": 23,     # WARC/0.18
    "copycat_cc_arc/snapshot-wayback-topic-02.warc.gz": 128,
    "copycat_cc_arc/topic-1--20201003083220753-00000.warc.gz": 238,
    "copycat_cc_arc/small-sample-1213893279526_0.arc": 145,      # ARC, 2008
    "copycat_cc_arc/small-sample-1262850551027_8.arc": 8,
    "dolma/warc__sample-0000.warc.gz": 24,
    "dolma/warc__sample-0001.warc.gz": 17,
    "resiliparse_warc/clueweb-quirk.warc.gz": 29,
    "resiliparse_warc/warcfile.warc.gz": 16,
}


@pytest.mark.parametrize("relative, expected", sorted(EXPECTED_RECORDS.items()))
def test_every_record_of_real_archives_is_read(relative, expected):
    path = shared_data(f"web/{relative}")
    with open(path, "rb") as handle:
        items = list(read_archive(handle, str(path), "real", 64 << 20))
    kinds = collections.Counter(type(item).__name__ for item in items)
    assert len(items) == expected, kinds
    assert not [item for item in items if isinstance(item, ErrorRecord)]
    assert len({item.id for item in items}) == expected
