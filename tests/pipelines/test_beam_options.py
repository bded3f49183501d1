"""RunOptions keeps one view per options class: it must read and write exactly what Beam's fresh views do."""
import copy
import pickle

from apache_beam.options.pipeline_options import (DebugOptions, GoogleCloudOptions, PipelineOptions, SetupOptions,
                                                  StandardOptions, TypeOptions)

from pipelines.beam_options import RunOptions, pipeline_options

FLAGS = ["--temp_location", "/tmp/somewhere", "--experiments", "a", "--pickle_library", "cloudpickle"]


def test_one_view_per_class_holds_the_values_of_fresh_views():
    cached, plain = RunOptions(FLAGS), PipelineOptions(FLAGS)
    assert cached.view_as(StandardOptions) is cached.view_as(StandardOptions)
    for cls in (StandardOptions, GoogleCloudOptions, DebugOptions, SetupOptions, TypeOptions):
        assert cached.view_as(cls).get_all_options() == plain.view_as(cls).get_all_options()
    assert cached.get_all_options() == plain.get_all_options()


def test_a_write_through_one_view_is_seen_by_every_other():
    options = RunOptions(FLAGS)
    options.view_as(StandardOptions).runner = "FnApiRunner"
    options.view_as(DebugOptions).experiments.append("beam_fn_api")       # Beam appends in place, too
    assert options.view_as(StandardOptions).runner == "FnApiRunner"
    assert options.get_all_options()["runner"] == "FnApiRunner"
    assert options.view_as(DebugOptions).experiments == ["a", "beam_fn_api"]
    assert PipelineOptions.view_as(options, StandardOptions).runner == "FnApiRunner"   # a fresh view agrees


def test_copies_and_pickles_keep_the_values_and_make_their_own_views():
    options = RunOptions(FLAGS)
    options.view_as(StandardOptions).runner = "FnApiRunner"
    for other in (copy.deepcopy(options), pickle.loads(pickle.dumps(options))):
        assert type(other) is RunOptions and "_views" not in other.__dict__
        assert other.view_as(StandardOptions).runner == "FnApiRunner"
        other.view_as(StandardOptions).runner = "DataflowRunner"       # the copy's own, as Beam's copy is
        assert options.view_as(StandardOptions).runner == "FnApiRunner"


def test_the_run_gets_them():
    assert isinstance(pipeline_options([], workers=1), RunOptions)
