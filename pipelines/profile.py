"""Profiles of the documents at named points of a run (reporting/profile.py), written to stats/profile.json."""
from __future__ import annotations

import apache_beam as beam

from pipelines.json_output import WriteJson
from reporting.profile import add_document, empty_profile, merge_profiles, sorted_profile

PROFILE_FILE = "profile.json"


class _ProfileFn(beam.CombineFn):
    def create_accumulator(self):
        return empty_profile()

    def add_input(self, profile, doc):
        return add_document(profile, doc)

    def merge_accumulators(self, profiles):
        return merge_profiles(profiles)

    def extract_output(self, profile):
        return sorted_profile(profile)


class ProfileDocuments(beam.PTransform):
    """documents -> one profile (an empty one when there are no documents)."""

    def expand(self, documents):
        return documents | beam.CombineGlobally(_ProfileFn())


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
