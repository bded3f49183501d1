"""Profiles of the documents at named points of a run (reporting/profile.py), written to stats/profile.json.

Every point's producers send partial profiles, (point, profile), one per bundle or per input file; they
are merged in each bundle, and one step merges what the bundles sent and writes the file. A global
combine per point cost each point three fused stages, for a result of a few hundred bytes.
"""
from __future__ import annotations

import apache_beam as beam
from apache_beam.transforms.window import GlobalWindows

from pipelines.json_output import write_json_atomically
from pipelines.progress import ProgressNote
from reporting.profile import add_document, empty_profile, merge_profiles

PROFILE_FILE = "profile.json"


class ProfileBundles(beam.DoFn):
    """Lists of documents (BatchDocuments) -> (point, the profile of the bundle's documents), once per bundle
    that held any: by bundle, so that the profile costs one step per batch and one element per bundle."""

    def __init__(self, point: str, progress_kind: str | None = None):
        self._point, self._progress_kind = point, progress_kind
        self._profile, self._progress = None, None

    def setup(self):
        if self._progress_kind:         # the final profile sees every kept document: count them for progress
            self._progress = ProgressNote(self._progress_kind)

    def start_bundle(self):
        self._profile = None

    def process(self, batch):
        profile = self._profile = self._profile or empty_profile()
        for doc in batch:
            add_document(profile, doc)
        if self._progress is not None:
            self._progress.add(len(batch))
        return ()

    def finish_bundle(self):
        if self._progress is not None:  # the bundle's count is final: bring the progress file up to date
            self._progress.add(final=True)
        if self._profile is not None:
            yield GlobalWindows.windowed_value((self._point, self._profile))


class _MergeInBundle(beam.DoFn):
    """(point, partial profile) -> (point, their merged profile), once per point per bundle: what reaches
    the writing step grows with the bundles, not with the input files."""

    def start_bundle(self):
        self._merged = {}

    def process(self, pair):
        point, profile = pair
        self._merged[point] = merge_profiles([self._merged[point], profile]) if point in self._merged else profile
        return ()

    def finish_bundle(self):
        for pair in self._merged.items():
            yield GlobalWindows.windowed_value(pair)


def _write_profiles(_, path: str, points: list, *partials):
    """stats/profile.json: {point: profile} for each of `points`, an empty profile where no documents came."""
    by_point = {point: [] for point in points}
    for point, profile in (pair for side in partials for pair in side):
        by_point[point].append(profile)
    write_json_atomically(path, {point: merge_profiles(found) for point, found in sorted(by_point.items())})
    yield path


class WriteProfiles(beam.PTransform):
    """PCollections of partial profiles (point, profile) -> stats/profile.json holding {point: profile} for
    each of `points`; returns the path written.

    The partials, merged in each bundle, reach one step as side inputs: a combine would cost two or three
    fused stages for a result of a few hundred bytes."""

    def __init__(self, path: str, points: list):
        super().__init__()
        self._path, self._points = path, sorted(points)

    def expand(self, partials: tuple):
        merged = [pcoll | f"InBundle{number}" >> beam.ParDo(_MergeInBundle()) for number, pcoll in enumerate(partials)]
        return (partials[0].pipeline | "Once" >> beam.Impulse()
                | "Write" >> beam.FlatMap(_write_profiles, self._path, self._points,
                                          *[beam.pvalue.AsList(pcoll) for pcoll in merged]))
