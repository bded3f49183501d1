"""Profiles of the documents at named points of a run (reporting/profile.py), written to stats/profile.json."""
from __future__ import annotations

import apache_beam as beam

from pipelines.json_output import WriteJson
from pipelines.progress import ProgressNote
from reporting.profile import add_document, empty_profile, merge_profiles, sorted_profile

PROFILE_FILE = "profile.json"


class _ProfileFn(beam.CombineFn):
    def __init__(self, progress_kind: str | None = None):
        self._progress_kind = progress_kind
        self._progress = None

    def create_accumulator(self):
        return empty_profile()

    def add_input(self, profile, batch):
        if self._progress_kind:         # the final profile sees every kept document: count them for progress
            self._progress = self._progress or ProgressNote(self._progress_kind)
            self._progress.add(len(batch))
        for doc in batch:
            profile = add_document(profile, doc)
        return profile

    def compact(self, profile):
        if self._progress is not None:  # a partial result leaves the worker: bring its count up to date
            self._progress.add(final=True)
        return profile

    def merge_accumulators(self, profiles):
        return merge_profiles(profiles)

    def extract_output(self, profile):
        return sorted_profile(profile)


class ProfileDocuments(beam.PTransform):
    """lists of documents (BatchDocuments) -> one profile (an empty one when there are no documents):
    by batch, so that Beam's combining costs one step per batch, not per document."""

    def __init__(self, progress_kind: str | None = None):
        super().__init__()
        self._progress_kind = progress_kind

    def expand(self, documents):
        return documents | beam.CombineGlobally(_ProfileFn(self._progress_kind))


class WriteProfiles(beam.PTransform):
    """A dict {point name: profile PCollection} -> stats/profile.json holding {point: profile}."""

    def __init__(self, path: str):
        super().__init__()
        self._path = path

    def expand(self, profiles: dict):
        named = [profile | f"Name_{name}" >> beam.Map(lambda value, key: (key, value), name)
                 for name, profile in sorted(profiles.items())]
        return (named | "AllProfiles" >> beam.Flatten()
                | "Gather" >> beam.combiners.ToList()
                | "AsDict" >> beam.Map(lambda pairs: dict(sorted(pairs)))
                | "Write" >> WriteJson(self._path))
